import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { VIEWER_CHANGED_CHANNEL } from '../../domain/live-events.js';
import type { Viewer } from './session-types.js';

/**
 * Every change that can make a cached viewer wrong (a session revoked, an account's role,
 * verification, specialty or handle changed) is NOTIFYed on this channel by database
 * triggers (migration `viewer_notify`), whoever made it: this process, another server
 * process, the CLI or a hand-written UPDATE. Payload: `s:<session id>` or `u:<user id>`.
 */
export { VIEWER_CHANGED_CHANNEL };

/** What a request needs to accept a session without reading it: the viewer and its clocks. */
export interface CachedSession {
  viewer: Viewer;
  lastSeenAt: number;
  expiresAt: number;
}

interface Logger {
  warn(obj: object, msg: string): void;
}

const MAX_ENTRIES = 20_000;

/** Caches in this process, so that a revocation made here is forgotten before it returns. */
const caches = new Set<ViewerCache>();

/** Called by the writers of sessions and accounts, synchronously, in addition to the NOTIFY. */
export function forgetSessions(sessionIds: string[]): void {
  for (const cache of caches) for (const id of sessionIds) cache.forgetSession(id);
}

export function forgetUser(userId: string): void {
  for (const cache of caches) cache.forgetUser(userId);
}

/**
 * Sessions already checked against the database, keyed by their signed token (so a hit also
 * skips verifying the signature again). Safe because it is used only while this process is
 * LISTENing on VIEWER_CHANGED_CHANNEL: a revocation or account change anywhere drops the
 * entry as soon as it commits; while the listener is down the cache is empty and off, and it
 * starts empty again after a reconnect (notifications may have been missed). An entry also
 * stops being used when the session's once-a-minute touch is due, so it is never older than
 * that minute. A lookup that raced with an invalidation is not stored (generation check).
 */
export class ViewerCache {
  private readonly byToken = new Map<string, CachedSession>();
  private readonly tokenOfSession = new Map<string, string>();
  private client: pg.Client | null = null;
  private listening = false;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  /** Bumped by every invalidation; a lookup started under an older generation is not stored. */
  generation = 0;
  /** Names the listening connection in pg_stat_activity, so an operator sees which one it is. */
  readonly applicationName = `curbside-viewer-cache-${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    caches.add(this);
    await this.connect().catch(() => this.reconnectLater(250));
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: this.applicationName });
    client.on('notification', (message) => this.onNotification(message.payload ?? ''));
    client.on('error', (error) => this.log.warn({ err: error }, 'viewer cache listener lost; cache off'));
    client.on('end', () => {
      if (this.client !== client) return;
      this.client = null;
      this.setListening(false);
      this.reconnectLater(250);
    });
    await client.connect();
    await client.query(`LISTEN ${VIEWER_CHANGED_CHANNEL}`);
    if (this.stopped) {
      await client.end();
      return;
    }
    this.client = client;
    this.setListening(true);
  }

  private reconnectLater(delayMs: number): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect().catch(() => this.reconnectLater(Math.min(delayMs * 2, 5000)));
    }, delayMs);
    this.retry.unref();
  }

  private setListening(on: boolean): void {
    this.listening = on;
    this.clear();
  }

  private onNotification(payload: string): void {
    if (payload.startsWith('s:')) this.forgetSession(payload.slice(2));
    else if (payload.startsWith('u:')) this.forgetUser(payload.slice(2));
    else this.clear();
  }

  get enabled(): boolean {
    return this.listening;
  }

  get(token: string): CachedSession | undefined {
    return this.listening ? this.byToken.get(token) : undefined;
  }

  set(token: string, entry: CachedSession, generation: number): void {
    if (!this.listening || generation !== this.generation) return;
    if (this.byToken.size >= MAX_ENTRIES) this.clear();
    const previous = this.tokenOfSession.get(entry.viewer.sessionId);
    if (previous !== undefined && previous !== token) this.byToken.delete(previous);
    this.byToken.set(token, entry);
    this.tokenOfSession.set(entry.viewer.sessionId, token);
  }

  forgetSession(sessionId: string): void {
    this.generation++;
    const token = this.tokenOfSession.get(sessionId);
    if (token === undefined) return;
    this.tokenOfSession.delete(sessionId);
    this.byToken.delete(token);
  }

  forgetUser(userId: string): void {
    this.generation++;
    for (const [token, entry] of this.byToken) {
      if (entry.viewer.userId !== userId) continue;
      this.byToken.delete(token);
      this.tokenOfSession.delete(entry.viewer.sessionId);
    }
  }

  clear(): void {
    this.generation++;
    this.byToken.clear();
    this.tokenOfSession.clear();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    caches.delete(this);
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    this.setListening(false);
    await client?.end().catch(() => {});
  }

}
