import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { CASE_EVENTS_CHANNEL, PRESENCE_CHANNEL, SESSION_REVOKED_CHANNEL } from '../../domain/live-events.js';

export { CASE_EVENTS_CHANNEL, PRESENCE_CHANNEL, SESSION_REVOKED_CHANNEL };
import type { DbOrTx } from '../../db/client.js';

/** Events for one user's sockets (with userId) or for every socket (without): ids only. */
export const USER_EVENTS_CHANNEL = 'curbside_user_events';

export interface UserEvent {
  kind: string;
  id: string;
  userId?: string;
}

/** Queues a user event in the writer's transaction: PostgreSQL sends it on commit only. */
export async function publishUserEvent(tx: DbOrTx, event: UserEvent): Promise<void> {
  await tx.execute(sql`select pg_notify(${USER_EVENTS_CHANNEL}, ${JSON.stringify(event)})`);
}

export interface CaseNotification {
  caseId: string;
  seq: number;
}

export interface PresenceAnnouncement {
  processId: string;
  caseId: string;
  viewers: number;
}

export interface BusHandlers {
  caseEvent(notification: CaseNotification): void;
  sessionRevoked(sessionId: string): void;
  presence(announcement: PresenceAnnouncement): void;
  userEvent(event: UserEvent): void;
  /** The listener reconnected: notifications may have been missed, so catch up from the database. */
  resync(): void;
}

/**
 * How events cross server processes. Only ids travel on the bus; subscribers read the rows.
 * Kept small so a broker (NATS, Redis) could stand in for PostgreSQL.
 */
export interface EventBus {
  readonly processId: string;
  start(handlers: BusHandlers): Promise<void>;
  announcePresence(announcement: Omit<PresenceAnnouncement, 'processId'>): Promise<void>;
  stop(): Promise<void>;
}

interface Logger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** PostgreSQL LISTEN/NOTIFY on one dedicated connection, reconnecting with backoff. */
export class PgNotifyBus implements EventBus {
  readonly processId = randomUUID();
  private client: pg.Client | null = null;
  private handlers: BusHandlers | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly pool: pg.Pool,
    private readonly log: Logger,
  ) {}

  async start(handlers: BusHandlers): Promise<void> {
    this.handlers = handlers;
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => this.dispatch(message.channel, message.payload ?? ''));
    client.on('error', (error) => {
      this.log.warn({ err: error.message }, 'live bus connection lost');
    });
    client.on('end', () => {
      if (this.client === client) this.client = null;
      this.scheduleReconnect(250);
    });
    await client.connect();
    await client.query(`LISTEN ${CASE_EVENTS_CHANNEL}; LISTEN ${SESSION_REVOKED_CHANNEL}; LISTEN ${PRESENCE_CHANNEL}; LISTEN ${USER_EVENTS_CHANNEL}`);
    this.client = client;
  }

  private scheduleReconnect(delayMs: number): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(async () => {
      this.retryTimer = null;
      try {
        await this.connect();
        this.log.info({}, 'live bus reconnected; catching up');
        this.handlers?.resync();
      } catch {
        this.scheduleReconnect(Math.min(delayMs * 2, 5000));
      }
    }, delayMs);
    this.retryTimer.unref();
  }

  private dispatch(channel: string, payload: string): void {
    const handlers = this.handlers;
    if (!handlers) return;
    try {
      if (channel === SESSION_REVOKED_CHANNEL) return handlers.sessionRevoked(payload);
      const data = JSON.parse(payload) as Record<string, unknown>;
      if (channel === CASE_EVENTS_CHANNEL && typeof data.caseId === 'string' && typeof data.seq === 'number') {
        handlers.caseEvent({ caseId: data.caseId, seq: data.seq });
      } else if (channel === PRESENCE_CHANNEL && typeof data.caseId === 'string' && typeof data.processId === 'string') {
        handlers.presence({ processId: data.processId, caseId: data.caseId, viewers: Number(data.viewers) || 0 });
      } else if (channel === USER_EVENTS_CHANNEL && typeof data.kind === 'string' && typeof data.id === 'string') {
        handlers.userEvent({ kind: data.kind, id: data.id, userId: typeof data.userId === 'string' ? data.userId : undefined });
      }
    } catch {
      // A malformed payload is dropped; the next event or a resync brings subscribers up to date.
    }
  }

  async announcePresence(announcement: Omit<PresenceAnnouncement, 'processId'>): Promise<void> {
    const payload = JSON.stringify({ ...announcement, processId: this.processId });
    await this.pool.query('select pg_notify($1, $2)', [PRESENCE_CHANNEL, payload]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}
