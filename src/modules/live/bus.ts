import { randomUUID } from 'node:crypto';
import { safeError } from './log-error.js';
import pg from 'pg';
import { emitOnCommit } from '../../db/after-commit.js';
import type { DbOrTx } from '../../db/client.js';
import { channelOf, topicOf, TOPICS } from '../../domain/live-events.js';

export type BusHandler = (event: Record<string, unknown>) => void;

/** Events for one user's sockets (with userId) or for every socket (without): ids only. */
export interface UserEvent {
  kind: string;
  id: string;
  userId?: string;
}

/** Queues a user event in the writer's transaction; the bus carries it once that commits. */
export function publishUserEvent(tx: DbOrTx, event: UserEvent): void {
  emitOnCommit(tx, { topic: TOPICS.userEvents, payload: { ...event } });
}

/**
 * How events cross server processes: publish(topic, event) and subscribe(topic, handler).
 * Only ids and counts travel (see topics.ts); subscribers read the rows. Delivery is "at
 * least once, maybe not at all": order and exactly-once come from the database's per-case seq,
 * and a lost signal is caught by the hub's periodic check, so a bus may drop or repeat.
 */
export interface EventBus {
  /** Tells this process's own presence announcements from other processes'. */
  readonly processId: string;
  /** Handlers must be added before start. */
  subscribe(topic: string, handler: BusHandler): void;
  /** Called after the bus was cut off and is back: anything may have been missed. */
  onReconnect(handler: () => void): void;
  start(): Promise<void>;
  /** Never throws: a failed publish is logged; the periodic check delivers what it announced. */
  publish(topic: string, event: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
}

export interface BusLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** Shared by both buses: handler lists and safe dispatch. */
export abstract class BaseBus implements EventBus {
  readonly processId = randomUUID();
  protected readonly handlers = new Map<string, BusHandler[]>();
  private readonly reconnectHandlers: Array<() => void> = [];

  constructor(protected readonly log: BusLogger) {}

  subscribe(topic: string, handler: BusHandler): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  onReconnect(handler: () => void): void {
    this.reconnectHandlers.push(handler);
  }

  protected reconnected(): void {
    this.log.info({}, 'live bus reconnected; catching up from the database');
    for (const handler of this.reconnectHandlers) this.safely(() => handler());
  }

  protected dispatch(topic: string, raw: string): void {
    let event: unknown;
    try {
      event = JSON.parse(raw);
    } catch {
      return; // A malformed payload is dropped; the next event or the periodic check catches up.
    }
    if (typeof event !== 'object' || event === null) return;
    for (const handler of this.handlers.get(topic) ?? []) this.safely(() => handler(event as Record<string, unknown>));
  }

  private safely(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.log.warn({ err: safeError(error) }, 'live bus handler failed');
    }
  }

  abstract start(): Promise<void>;
  abstract publish(topic: string, event: Record<string, unknown>): Promise<void>;
  abstract stop(): Promise<void>;
}


/**
 * PostgreSQL LISTEN/NOTIFY: one dedicated listening connection (LISTEN_DATABASE_URL when the
 * app goes through a pooler), reconnecting with backoff; publishing is a NOTIFY on the pool.
 */
export class PgNotifyBus extends BaseBus {
  /** Names the listening connection in pg_stat_activity, so an operator sees which process it serves. */
  readonly applicationName = `curbside-live-${this.processId.slice(0, 8)}`;
  private client: pg.Client | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
    log: BusLogger,
  ) {
    super(log);
  }

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: this.applicationName });
    client.on('notification', (message) => {
      const topic = topicOf(message.channel);
      this.dispatch(topic, message.payload ?? '');
    });
    // Without an 'error' listener a dropped connection would throw from the client and end the process.
    client.on('error', (error) => this.log.warn({ err: error }, 'live bus connection lost'));
    client.on('end', () => {
      if (this.client !== client) return;
      this.client = null;
      this.scheduleReconnect(250);
    });
    try {
      await client.connect();
      const channels = [...this.handlers.keys()].map((topic) => `LISTEN ${channelOf(topic)}`);
      if (channels.length) await client.query(channels.join('; '));
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
  }

  private scheduleReconnect(delayMs: number): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect().then(
        () => {
          if (!this.stopped) this.reconnected();
        },
        () => this.scheduleReconnect(Math.min(delayMs * 2, 2000)),
      );
    }, delayMs);
    this.retryTimer.unref();
  }

  async publish(topic: string, event: Record<string, unknown>): Promise<void> {
    try {
      await this.pool.query('select pg_notify($1, $2)', [channelOf(topic), JSON.stringify(event)]);
    } catch (error) {
      this.log.warn({ err: safeError(error), topic }, 'live bus publish failed');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

}
