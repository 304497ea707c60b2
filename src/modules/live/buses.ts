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

/**
 * Publishes every event a committed transaction produced (emitOnCommit) on the bus. Returns
 * the function that stops it once the publishes under way are done.
 */
export function publishCommittedEvents(database: DatabaseHandle, bus: EventBus): () => Promise<void> {
  const inFlight = new Set<Promise<void>>();
  const forward = (event: CommittedEvent) => {
    const publishing = bus.publish(event.topic, event.payload).finally(() => inFlight.delete(publishing));
    inFlight.add(publishing);
  };
  database.events.on('committed', forward);
  return async () => {
    database.events.off('committed', forward);
    await Promise.all(inFlight);
  };
}
