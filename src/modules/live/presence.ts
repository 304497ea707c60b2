import type { EventBus } from './bus.js';
import { TOPICS } from '../../domain/live-events.js';

export interface PresenceOptions {
  /** A burst of joins and leaves becomes one announcement. */
  debounceMs: number;
  /** Each process repeats its non-zero counts this often; others forget a count not repeated in 3 beats. */
  heartbeatMs: number;
}

interface Count {
  viewers: number;
  seenAt: number;
}

/**
 * How many people are reading each case, across processes. Every process announces its own
 * count per case on the bus, repeats it as a heartbeat, and announces 0 when it shuts down;
 * a process that stopped without a word (killed) is forgotten once its heartbeats stop.
 */
export class PresenceBoard {
  private readonly counts = new Map<string, Map<string, Count>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Cases this process last announced as non-zero, so shutdown can take them back. */
  private readonly announced = new Set<string>();
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly localViewers: (caseId: string) => number,
    private readonly changed: (caseId: string) => void,
    private readonly options: PresenceOptions,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  /** A process's announcement (ours included: our own count comes back through the bus too). */
  receive(event: Record<string, unknown>): void {
    const { processId, caseId } = event;
    if (typeof processId !== 'string' || typeof caseId !== 'string') return;
    const viewers = Math.max(0, Math.floor(Number(event.viewers) || 0));
    let byProcess = this.counts.get(caseId);
    if (!byProcess) this.counts.set(caseId, (byProcess = new Map()));
    if (viewers > 0) byProcess.set(processId, { viewers, seenAt: this.now() });
    else byProcess.delete(processId);
    if (byProcess.size === 0) this.counts.delete(caseId);
    this.changed(caseId);
  }

  total(caseId: string): number {
    let viewers = 0;
    for (const count of this.counts.get(caseId)?.values() ?? []) viewers += count.viewers;
    return viewers;
  }

  /** This process's count for a case changed; announced after the debounce. */
  localChanged(caseId: string): void {
    if (this.timers.has(caseId)) return;
    const timer = setTimeout(() => {
      this.timers.delete(caseId);
      void this.announce(caseId, this.localViewers(caseId));
    }, this.options.debounceMs);
    timer.unref();
    this.timers.set(caseId, timer);
  }

  /** Everything this process knows may be stale (the bus was cut off): say our counts again. */
  reannounce(caseIds: Iterable<string>): void {
    for (const caseId of caseIds) this.localChanged(caseId);
  }

  private async announce(caseId: string, viewers: number): Promise<void> {
    if (viewers > 0) this.announced.add(caseId);
    else this.announced.delete(caseId);
    await this.bus.publish(TOPICS.presence, { processId: this.bus.processId, caseId, viewers });
  }

  /** Repeat our non-zero counts; forget counts other processes stopped repeating. */
  private beat(): void {
    for (const caseId of this.announced) {
      if (!this.timers.has(caseId)) void this.announce(caseId, this.localViewers(caseId));
    }
    const stale = this.now() - this.options.heartbeatMs * 3;
    for (const [caseId, byProcess] of this.counts) {
      let expired = false;
      for (const [processId, count] of byProcess) {
        if (processId !== this.bus.processId && count.seenAt < stale) {
          byProcess.delete(processId);
          expired = true;
        }
      }
      if (byProcess.size === 0) this.counts.delete(caseId);
      if (expired) this.changed(caseId);
    }
  }

  /** On shutdown: every case we counted viewers in hears 0 from us, so nobody waits for expiry. */
  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([...this.announced].map((caseId) => this.announce(caseId, 0)));
  }
}
