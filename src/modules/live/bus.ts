import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { CASE_EVENTS_CHANNEL, PRESENCE_CHANNEL, SESSION_REVOKED_CHANNEL } from '../../domain/live-events.js';

export { CASE_EVENTS_CHANNEL, PRESENCE_CHANNEL, SESSION_REVOKED_CHANNEL };

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
    await client.query(`LISTEN ${CASE_EVENTS_CHANNEL}; LISTEN ${SESSION_REVOKED_CHANNEL}; LISTEN ${PRESENCE_CHANNEL}`);
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
