import type { WebSocket } from 'ws';
import { safeError } from './log-error.js';
import type { Viewer } from '../auth/session-types.js';
import type { EventBus, UserEvent } from './bus.js';
import { CLOSE, type ClientMessage } from './messages.js';
import { CaseFeed, LiveConnection, Subscription, type FeedHost, type PreparedEvent } from './feed.js';
import type { LoadedPayload, PayloadLoader } from './payloads.js';
import { canFollowCase } from './policy.js';
import { PresenceBoard } from './presence.js';
import type { EventSource, StoredEvent } from './source.js';
import { TOPICS } from '../../domain/live-events.js';

export interface HubOptions {
  /** A client whose unsent data exceeds this is dropped; it resumes with `since`. */
  maxBufferedBytes: number;
  /** Recent events kept per case so a burst is read from the database once per process. */
  ringSize: number;
  presenceDebounceMs: number;
  /** How often this process repeats its viewer counts; others forget a count not repeated in three. */
  presenceHeartbeatMs: number;
  /**
   * How often every followed case's latest seq is read from the database: a signal lost between
   * commit and publish (or while the bus was down) is delivered within this time anyway.
   */
  safetyCheckMs: number;
  /** Client messages allowed per window before they are refused. */
  messageBudget: { count: number; windowMs: number };
}

export const defaultHubOptions: HubOptions = {
  maxBufferedBytes: 1024 * 1024,
  ringSize: 512,
  presenceDebounceMs: 200,
  presenceHeartbeatMs: 10_000,
  safetyCheckMs: 5_000,
  messageBudget: { count: 30, windowMs: 10_000 },
};

interface Logger {
  warn(obj: object, msg: string): void;
}

/** A message for one viewer; `removed` means they may no longer read the case at all. */
export type Rendered = { message: object; removed: boolean } | null;

/**
 * Fans case events out to this process's websocket subscribers. The bus says "case X has
 * events up to seq N"; feeds read the rows once and every subscription pumps from there, so
 * order and exactly-once delivery come from the database's seq, not from the bus.
 */
export class LiveHub implements FeedHost {
  private readonly feeds = new Map<string, CaseFeed>();
  readonly connections = new Set<LiveConnection>();
  private readonly lastPresenceSent = new Map<string, number>();
  private readonly prepared = new WeakMap<StoredEvent, Promise<PreparedEvent>>();
  private readonly presence: PresenceBoard;
  private safetyTimer: NodeJS.Timeout | null = null;
  private checking = false;
  /** Per user-event kind: reads the rows once per process, presents them per viewer. */
  private readonly userEventLoaders = new Map<string, (id: string) => Promise<LoadedPayload | null>>();

  constructor(
    readonly source: EventSource,
    readonly payloads: PayloadLoader,
    readonly bus: EventBus,
    readonly log: Logger,
    readonly options: HubOptions = defaultHubOptions,
  ) {
    this.presence = new PresenceBoard(bus, (caseId) => this.localViewers(caseId), (caseId) => this.sendPresence(caseId), {
      debounceMs: options.presenceDebounceMs,
      heartbeatMs: options.presenceHeartbeatMs,
    });
    bus.subscribe(TOPICS.case, (event) => {
      if (typeof event.caseId === 'string' && typeof event.seq === 'number') this.caseEvent(event.caseId, event.seq);
    });
    bus.subscribe(TOPICS.presence, (event) => this.presence.receive(event));
    bus.subscribe(TOPICS.userEvents, (event) => {
      if (typeof event.kind === 'string' && typeof event.id === 'string') {
        this.userEvent({ kind: event.kind, id: event.id, userId: typeof event.userId === 'string' ? event.userId : undefined });
      }
    });
    bus.onReconnect(() => this.resync());
  }

  /** Starts the timers; call once the bus is started. */
  start(): void {
    this.presence.start();
    this.safetyTimer = setInterval(() => void this.checkLatest(), this.options.safetyCheckMs);
    this.safetyTimer.unref();
  }

  /** Socket and subscription counts, for metrics. */
  get stats(): { sockets: number; subscriptions: number; cases: number } {
    let subscriptions = 0;
    for (const feed of this.feeds.values()) subscriptions += feed.subscriptions.size;
    return { sockets: this.connections.size, subscriptions, cases: this.feeds.size };
  }

  attach(socket: WebSocket, viewer: Viewer): LiveConnection {
    const connection = new LiveConnection(this, socket, viewer);
    this.connections.add(connection);
    return connection;
  }

  detach(connection: LiveConnection): void {
    if (!this.connections.delete(connection)) return;
    connection.open = false;
    for (const caseId of [...connection.subscriptions.keys()]) this.unsubscribe(connection, caseId);
  }

  async handle(connection: LiveConnection, message: ClientMessage): Promise<void> {
    switch (message.type) {
      case 'subscribe':
        return this.subscribe(connection, message.caseId, message.since);
      case 'unsubscribe':
        this.unsubscribe(connection, message.caseId);
        connection.send({ type: 'unsubscribed', caseId: message.caseId });
        return;
      case 'ping':
        connection.send({ type: 'pong' });
        return;
    }
  }

  async subscribe(connection: LiveConnection, caseId: string, since: number | undefined): Promise<void> {
    const access = await this.source.caseAccess(caseId);
    if (!canFollowCase(connection.viewer, access)) {
      connection.error('not_found', 'case not found', { caseId });
      return;
    }
    this.unsubscribe(connection, caseId);
    const latest = (await this.source.latestSeq(caseId)) ?? 0;
    let feed = this.feeds.get(caseId);
    if (!feed) {
      feed = new CaseFeed(caseId, latest, this);
      this.feeds.set(caseId, feed);
    }
    const subscription = new Subscription(connection, feed, Math.min(since ?? latest, Math.max(latest, feed.knownSeq)));
    connection.subscriptions.set(caseId, subscription);
    feed.subscriptions.add(subscription);
    await feed.refresh();
    await subscription.pump(true);
    if (!connection.open || connection.subscriptions.get(caseId) !== subscription) return;
    connection.send({ type: 'subscribed', caseId, seq: subscription.lastSent });
    subscription.ready = true;
    void subscription.pump();
    this.presence.localChanged(caseId);
  }

  unsubscribe(connection: LiveConnection, caseId: string): void {
    const subscription = connection.subscriptions.get(caseId);
    if (!subscription) return;
    connection.subscriptions.delete(caseId);
    subscription.feed.subscriptions.delete(subscription);
    if (subscription.feed.subscriptions.size === 0) {
      this.feeds.delete(caseId);
      this.lastPresenceSent.delete(caseId);
    }
    this.presence.localChanged(caseId);
  }

  /** Reads what an event needs once per process, however many subscribers it goes to. */
  private prepare(event: StoredEvent): Promise<PreparedEvent> {
    let prepared = this.prepared.get(event);
    if (!prepared) {
      prepared = (async () => ({
        access: await this.source.caseAccess(event.caseId),
        payload:
          event.type === 'case.updated'
            ? await this.payloads.case(event.caseId)
            : event.replyId
              ? await this.payloads.reply(event.replyId)
              : null,
      }))();
      this.prepared.set(event, prepared);
      // A read that failed (the database restarting) must be tried again, not remembered.
      prepared.catch(() => {
        if (this.prepared.get(event) === prepared) this.prepared.delete(event);
      });
    }
    return prepared;
  }

  forget(event: StoredEvent): void {
    this.prepared.delete(event);
  }

  /**
   * What one viewer gets for one event, read now: the current shape, or a removal when a change
   * took the content out of their sight (hidden or deleted), or nothing for content they never saw.
   */
  async render(event: StoredEvent, viewer: Viewer): Promise<Rendered> {
    const { caseId, seq } = event;
    const { access, payload } = await this.prepare(event);
    if (!canFollowCase(viewer, access)) {
      return event.type === 'case.updated' ? { message: { type: 'case.removed', caseId, seq }, removed: true } : null;
    }
    const shape = payload?.forViewer(viewer) ?? null;
    if (!shape) {
      return event.type === 'reply.updated' && event.replyId
        ? { message: { type: 'reply.removed', caseId, seq, replyId: event.replyId }, removed: false }
        : null;
    }
    const key = event.type === 'case.updated' ? 'case' : 'reply';
    return { message: { type: event.type, caseId, seq, [key]: shape }, removed: false };
  }

  /** Other modules plug in what a user event of their kind means (notifications, new cases). */
  onUserEvent(kind: string, load: (id: string) => Promise<LoadedPayload | null>): void {
    this.userEventLoaders.set(kind, load);
  }

  // Bus handlers

  userEvent(event: UserEvent): void {
    const load = this.userEventLoaders.get(event.kind);
    const targets = [...this.connections].filter((c) => event.userId === undefined || c.viewer.userId === event.userId);
    if (!load || !targets.length) return;
    load(event.id)
      .then((payload) => {
        if (!payload) return;
        for (const connection of targets) {
          const message = connection.open ? payload.forViewer(connection.viewer) : null;
          if (message) connection.send(message);
        }
      })
      .catch((error: unknown) => this.log.warn({ err: safeError(error), kind: event.kind }, 'user event failed'));
  }

  caseEvent(caseId: string, seq: number): void {
    const feed = this.feeds.get(caseId);
    if (feed && seq > feed.knownSeq) void feed.refresh();
  }

  /** The bus was cut off: re-read every followed case after what each subscriber last got. */
  resync(): void {
    void this.checkLatest(true);
    this.presence.reannounce(this.feeds.keys());
  }

  /**
   * Reads each followed case's latest seq in one query and catches up feeds and subscribers
   * that are behind. Never throws: with the database away it tries again on the next tick.
   */
  async checkLatest(force = false): Promise<void> {
    if (this.checking && !force) return;
    this.checking = true;
    try {
      const latest = await this.source.latestSeqs([...this.feeds.keys()]);
      for (const feed of this.feeds.values()) {
        if ((latest.get(feed.caseId) ?? 0) > feed.knownSeq || force) await feed.refresh();
        for (const subscription of feed.subscriptions) if (subscription.behind) void subscription.pump();
      }
    } catch (error) {
      this.log.warn({ err: safeError(error) }, 'live safety check failed; retrying');
    } finally {
      this.checking = false;
    }
  }

  sessionRevoked(sessionId: string): void {
    for (const connection of this.connections) {
      if (connection.viewer.sessionId === sessionId) connection.close(CLOSE.sessionEnded, 'session ended');
    }
  }

  private localViewers(caseId: string): number {
    return this.feeds.get(caseId)?.subscriptions.size ?? 0;
  }

  private sendPresence(caseId: string): void {
    const feed = this.feeds.get(caseId);
    if (!feed) return;
    const viewers = this.presence.total(caseId);
    if (this.lastPresenceSent.get(caseId) === viewers) return;
    this.lastPresenceSent.set(caseId, viewers);
    for (const subscription of feed.subscriptions) {
      if (subscription.ready) subscription.connection.send({ type: 'presence', caseId, viewers });
    }
  }

  /** Shutdown: close every socket and tell the other processes our viewers are gone. */
  async closeAll(code: number, reason: string): Promise<void> {
    if (this.safetyTimer) clearInterval(this.safetyTimer);
    for (const connection of [...this.connections]) connection.close(code, reason);
    await this.presence.stop();
  }
}

export { LiveConnection };
