import type { Scheduler } from '../jobs/service.js';
import type { Mailer } from '../mail/service.js';

interface Logger {
  warn(obj: object, msg: string): void;
}

/**
 * Each process polls for due jobs and mail. Several processes polling the same tables is safe:
 * rows are claimed with SKIP LOCKED. Returns a stop function.
 */
export function startWorker(deps: { scheduler: Scheduler; mailer: Mailer; intervalMs: number; log: Logger }): () => Promise<void> {
  let current: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    current = (async () => {
      try {
        await deps.scheduler.runDue();
        await deps.mailer.drain();
      } catch (error) {
        // The database may be restarting; the next tick tries again.
        // The logger's err serializer keeps SQL text and parameters out of the line.
        deps.log.warn({ err: error }, 'background work failed');
      }
    })();
  };
  const timer = setInterval(() => {
    if (!stopped) tick();
  }, deps.intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await current;
  };
}
