import type { Config } from '../../config.js';
import type { DatabaseHandle } from '../../db/client.js';
import type { CommittedEvent } from '../../db/after-commit.js';
import { PgNotifyBus, type BusLogger, type EventBus } from './bus.js';
import { NatsJetStreamBus } from './nats-bus.js';

/**
 * The bus LIVE_BUS names: PostgreSQL NOTIFY (default; it listens on LISTEN_DATABASE_URL when set,
 * a direct connection past PgBouncer) or NATS JetStream at NATS_URL.
 */
export function createBus(
  config: Pick<Config, 'LIVE_BUS' | 'NATS_URL' | 'NATS_PREFIX' | 'LISTEN_DATABASE_URL'>,
  database: DatabaseHandle,
  log: BusLogger,
): EventBus {
  return config.LIVE_BUS === 'nats'
    ? new NatsJetStreamBus(config.NATS_URL, config.NATS_PREFIX, log)
    : new PgNotifyBus(config.LISTEN_DATABASE_URL ?? database.url, database.pool, log);
}

interface Publishers {
  buses: EventBus[];
  inFlight: Set<Promise<void>>;
}

/** One publisher per database handle: two apps sharing a handle (as tests do) must not publish an event twice. */
const publishersByHandle = new WeakMap<DatabaseHandle['events'], Publishers>();

/**
 * Publishes every event a committed transaction produced (emitOnCommit) on the bus, once per
 * database handle (the first bus registered on it publishes; the next takes over when it stops).
 * Returns the function that stops it once the publishes under way are done.
 */
export function publishCommittedEvents(database: DatabaseHandle, bus: EventBus): () => Promise<void> {
  let publishers = publishersByHandle.get(database.events);
  if (!publishers) {
    const created: Publishers = { buses: [], inFlight: new Set() };
    database.events.on('committed', (event: CommittedEvent) => {
      const publisher = created.buses[0];
      if (!publisher) return;
      const publishing = publisher.publish(event.topic, event.payload).finally(() => created.inFlight.delete(publishing));
      created.inFlight.add(publishing);
    });
    publishersByHandle.set(database.events, created);
    publishers = created;
  }
  const registered = publishers;
  registered.buses.push(bus);
  return async () => {
    registered.buses.splice(registered.buses.indexOf(bus), 1);
    await Promise.all(registered.inFlight);
  };
}
