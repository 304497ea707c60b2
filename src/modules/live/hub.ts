import type { WebSocket } from 'ws';
import type { Viewer } from '../auth/session-types.js';
import type { BusHandlers, CaseNotification, EventBus, PresenceAnnouncement, UserEvent } from './bus.js';
import { CLOSE, type ClientMessage } from './messages.js';
import type { LoadedPayload, PayloadLoader } from './payloads.js';
import { canFollowCase } from './policy.js';
import type { CaseAccess, EventSource, StoredEvent } from './source.js';

export interface HubOptions {
  /** A client whose unsent data exceeds this is dropped; it resumes with `since`. */
  maxBufferedBytes: number;
  /** Recent events kept per case so a burst is read from the database once per process. */
  ringSize: number;
  presenceDebounceMs: number;
  /** Client messages allowed per window before they are refused. */
  messageBudget: { count: number; windowMs: number };
}

export const defaultHubOptions: HubOptions = {
  maxBufferedBytes: 1024 * 1024,
  ringSize: 512,
  presenceDebounceMs: 200,
  messageBudget: { count: 30, windowMs: 10_000 },
};

interface Logger {
  warn(obj: object, msg: string): void;
}

const PAGE = 200;

interface PreparedEvent {
  access: CaseAccess | null;
  payload: LoadedPayload | null;
}

/** One case's events as seen by this process: fetched once, fanned out to local subscribers. */
class CaseFeed {
  ring: StoredEvent[] = [];
  knownSeq: number;
  readonly subscriptions = new Set<Subscription>();
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    readonly caseId: string,
    startSeq: number,
    private readonly hub: LiveHub,
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
    }).catch((error: unknown) => this.hub.log.warn({ err: String(error), caseId: this.caseId }, 'live feed refresh failed'));
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

class Subscription {
  ready = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly connection: LiveConnection,
    readonly feed: CaseFeed,
    public lastSent: number,
  ) {}

  /** Sends everything after lastSent, in order, exactly once; calls are serialized. */
  pump(force = false): Promise<void> {
    if (!this.ready && !force) return this.chain;
    this.chain = this.chain.then(() => this.drain()).catch(() => {});
    return this.chain;
  }

  private async drain(): Promise<void> {
    const { hub } = this.connection;
    while (this.lastSent < this.feed.knownSeq && this.connection.open) {
      const events = this.feed.fromRing(this.lastSent) ?? (await hub.source.eventsAfter(this.feed.caseId, this.lastSent, PAGE));
      if (!events.length) return;
      for (const event of events) {
        if (event.seq <= this.lastSent) continue;
        const message = await hub.render(event, this.connection.viewer);
        if (!this.connection.open) return;
        if (message) this.connection.send(message);
        this.lastSent = event.seq;
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
    readonly hub: LiveHub,
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

/**
 * Fans case events out to this process's websocket subscribers. The bus says "case X has
 * events up to seq N"; feeds read the rows once and every subscription pumps from there, so
 * order and exactly-once delivery come from the database's seq, not from the bus.
 */
export class LiveHub implements BusHandlers {
  private readonly feeds = new Map<string, CaseFeed>();
  readonly connections = new Set<LiveConnection>();
  private readonly presenceByCase = new Map<string, Map<string, number>>();
  private readonly presenceTimers = new Map<string, NodeJS.Timeout>();
  private readonly lastPresenceSent = new Map<string, number>();
  private readonly prepared = new WeakMap<StoredEvent, Promise<PreparedEvent>>();
  /** Per user-event kind: reads the rows once per process, presents them per viewer. */
  private readonly userEventLoaders = new Map<string, (id: string) => Promise<LoadedPayload | null>>();

  constructor(
    readonly source: EventSource,
    readonly payloads: PayloadLoader,
    readonly bus: EventBus,
    readonly log: Logger,
    readonly options: HubOptions = defaultHubOptions,
  ) {}

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
    this.presenceChanged(caseId);
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
    this.presenceChanged(caseId);
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
    }
    return prepared;
  }

  forget(event: StoredEvent): void {
    this.prepared.delete(event);
  }

  /** The message one viewer gets for one event, or null when they may not see it. */
  async render(event: StoredEvent, viewer: Viewer): Promise<object | null> {
    const { access, payload } = await this.prepare(event);
    if (!payload || !canFollowCase(viewer, access)) return null;
    const shape = payload.forViewer(viewer);
    if (!shape) return null;
    const key = event.type === 'case.updated' ? 'case' : 'reply';
    return { type: event.type, caseId: event.caseId, seq: event.seq, [key]: shape };
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
      .catch((error: unknown) => this.log.warn({ err: String(error), kind: event.kind }, 'user event failed'));
  }

  caseEvent(notification: CaseNotification): void {
    const feed = this.feeds.get(notification.caseId);
    if (feed && notification.seq > feed.knownSeq) void feed.refresh();
  }

  resync(): void {
    for (const feed of this.feeds.values()) void feed.refresh();
    for (const caseId of this.feeds.keys()) this.presenceChanged(caseId);
  }

  sessionRevoked(sessionId: string): void {
    for (const connection of this.connections) {
      if (connection.viewer.sessionId === sessionId) connection.close(CLOSE.sessionEnded, 'session ended');
    }
  }

  presence(announcement: PresenceAnnouncement): void {
    let byProcess = this.presenceByCase.get(announcement.caseId);
    if (!byProcess) this.presenceByCase.set(announcement.caseId, (byProcess = new Map()));
    if (announcement.viewers > 0) byProcess.set(announcement.processId, announcement.viewers);
    else byProcess.delete(announcement.processId);
    if (byProcess.size === 0) this.presenceByCase.delete(announcement.caseId);
    this.sendPresence(announcement.caseId);
  }

  private localViewers(caseId: string): number {
    return this.feeds.get(caseId)?.subscriptions.size ?? 0;
  }

  /** Debounced: a burst of joins and leaves becomes one announcement. */
  private presenceChanged(caseId: string): void {
    if (this.presenceTimers.has(caseId)) return;
    const timer = setTimeout(() => {
      this.presenceTimers.delete(caseId);
      this.bus.announcePresence({ caseId, viewers: this.localViewers(caseId) }).catch(() => {});
    }, this.options.presenceDebounceMs);
    timer.unref();
    this.presenceTimers.set(caseId, timer);
  }

  private sendPresence(caseId: string): void {
    const feed = this.feeds.get(caseId);
    if (!feed) return;
    let viewers = 0;
    for (const count of this.presenceByCase.get(caseId)?.values() ?? []) viewers += count;
    if (this.lastPresenceSent.get(caseId) === viewers) return;
    this.lastPresenceSent.set(caseId, viewers);
    for (const subscription of feed.subscriptions) {
      if (subscription.ready) subscription.connection.send({ type: 'presence', caseId, viewers });
    }
  }

  closeAll(code: number, reason: string): void {
    for (const connection of [...this.connections]) connection.close(code, reason);
    for (const timer of this.presenceTimers.values()) clearTimeout(timer);
    this.presenceTimers.clear();
  }
}
