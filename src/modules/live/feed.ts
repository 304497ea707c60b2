import type { WebSocket } from 'ws';
import { safeError } from './log-error.js';
import type { Viewer } from '../auth/session-types.js';
import { CLOSE } from './messages.js';
import type { LoadedPayload } from './payloads.js';
import type { CaseAccess, EventSource, StoredEvent } from './source.js';

/** What feeds, subscriptions and connections need from the hub that owns them. */
export interface FeedHost {
  readonly source: EventSource;
  readonly log: { warn(obj: object, msg: string): void };
  readonly options: { ringSize: number; maxBufferedBytes: number; messageBudget: { count: number; windowMs: number } };
  render(event: StoredEvent, viewer: Viewer): Promise<{ message: object; removed: boolean } | null>;
  forget(event: StoredEvent): void;
  unsubscribe(connection: LiveConnection, caseId: string): void;
  detach(connection: LiveConnection): void;
}

const PAGE = 200;

export interface PreparedEvent {
  access: CaseAccess | null;
  payload: LoadedPayload | null;
}

/** One case's events as seen by this process: fetched once, fanned out to local subscribers. */
export class CaseFeed {
  ring: StoredEvent[] = [];
  knownSeq: number;
  readonly subscriptions = new Set<Subscription>();
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    readonly caseId: string,
    startSeq: number,
    private readonly hub: FeedHost,
  ) {
    this.knownSeq = startSeq;
  }

  /** Reads every event after knownSeq; serialized so the ring stays in order. */
  refresh(): Promise<void> {
    this.refreshing = this.refreshing.then(async () => {
      for (;;) {
        const batch = await this.hub.source.eventsAfter(this.caseId, this.knownSeq, PAGE);
        for (const event of batch) {
          this.forgetStale(event);
          this.ring.push(event);
        }
        if (batch.length) this.knownSeq = batch[batch.length - 1]!.seq;
        if (this.ring.length > this.hub.options.ringSize) this.ring.splice(0, this.ring.length - this.hub.options.ringSize);
        if (batch.length < PAGE) break;
      }
      for (const subscription of this.subscriptions) void subscription.pump();
    }).catch((error: unknown) => this.hub.log.warn({ err: safeError(error), caseId: this.caseId }, 'live feed refresh failed'));
    return this.refreshing;
  }

  /**
   * A new event means what earlier events read may be out of date (a reply edited or hidden, a
   * case hidden): drop what they read, so a subscriber catching up re-reads the current rows.
   */
  private forgetStale(event: StoredEvent): void {
    for (const earlier of this.ring) {
      if (event.type === 'case.updated' || (event.replyId !== null && earlier.replyId === event.replyId)) {
        this.hub.forget(earlier);
      }
    }
  }

  /** Events after `seq` from the ring, or null when the ring no longer reaches back that far. */
  fromRing(seq: number): StoredEvent[] | null {
    const first = this.ring[0];
    if (!first || first.seq > seq + 1) return seq >= this.knownSeq ? [] : null;
    return this.ring.filter((e) => e.seq > seq);
  }
}

export class Subscription {
  ready = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly connection: LiveConnection,
    readonly feed: CaseFeed,
    public lastSent: number,
  ) {}

  /**
   * Sends everything after lastSent, in order, exactly once; calls are serialized. A failure
   * (the database went away) leaves lastSent where it was: the next event or the periodic
   * check pumps again from there.
   */
  pump(force = false): Promise<void> {
    if (!this.ready && !force) return this.chain;
    this.chain = this.chain
      .then(() => this.drain())
      .catch((error: unknown) => this.connection.hub.log.warn({ err: safeError(error), caseId: this.feed.caseId }, 'live delivery paused'));
    return this.chain;
  }

  get behind(): boolean {
    return this.ready && this.lastSent < this.feed.knownSeq;
  }

  private async drain(): Promise<void> {
    const { hub } = this.connection;
    while (this.lastSent < this.feed.knownSeq && this.connection.open) {
      const events = this.feed.fromRing(this.lastSent) ?? (await hub.source.eventsAfter(this.feed.caseId, this.lastSent, PAGE));
      if (!events.length) return;
      for (const event of events) {
        if (event.seq <= this.lastSent) continue;
        const rendered = await hub.render(event, this.connection.viewer);
        if (!this.connection.open || this.connection.subscriptions.get(this.feed.caseId) !== this) return;
        if (rendered) this.connection.send(rendered.message);
        this.lastSent = event.seq;
        if (rendered?.removed) {
          hub.unsubscribe(this.connection, this.feed.caseId);
          return;
        }
      }
    }
  }
}

export class LiveConnection {
  open = true;
  readonly subscriptions = new Map<string, Subscription>();
  private windowStart = Date.now();
  private messagesInWindow = 0;
  alive = true;

  constructor(
    readonly hub: FeedHost,
    readonly socket: WebSocket,
    public viewer: Viewer,
  ) {}

  send(message: object): void {
    if (!this.open || this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.hub.options.maxBufferedBytes) {
      this.close(CLOSE.slowConsumer, 'too far behind; reconnect and subscribe with since');
      return;
    }
    this.socket.send(JSON.stringify(message));
  }

  error(code: string, message: string, extra: object = {}): void {
    this.send({ type: 'error', code, message, ...extra });
  }

  /** False once the client has spent its message budget for the current window. */
  takeMessageToken(): boolean {
    const { count, windowMs } = this.hub.options.messageBudget;
    const now = Date.now();
    if (now - this.windowStart >= windowMs) {
      this.windowStart = now;
      this.messagesInWindow = 0;
    }
    this.messagesInWindow++;
    return this.messagesInWindow <= count;
  }

  close(code: number, reason: string): void {
    if (!this.open) return;
    this.hub.detach(this);
    this.socket.close(code, reason);
  }
}

