import type { Clock } from '../../clock.js';
import type { Database, Tx } from '../../db/client.js';
import { claimDueJob, insertJobs, markJobDone, markJobFailed, type NewJob } from './repo.js';

export type { NewJob };

/** Runs inside the job's transaction: what it writes commits together with the job's "done". */
export type JobHandler = (tx: Tx, payload: Record<string, unknown>, now: Date) => Promise<void>;

export interface Scheduler {
  /** Schedules in the caller's transaction; a key already scheduled is kept as it is. */
  schedule(tx: Tx | Database, jobs: NewJob[]): Promise<void>;
  /** Runs every due job this process can claim; returns how many ran (or failed and were rescheduled). */
  runDue(): Promise<number>;
}

interface Logger {
  warn(obj: object, msg: string): void;
}

const MAX_RETRY_MS = 60 * 60_000;

/** Recurring jobs name their period in the key, so each period's run is scheduled once. */
export interface RecurringJob {
  kind: string;
  /** The next run's key and time from now (e.g. the day's digest at 07:00 UTC). */
  next(now: Date): { key: string; runAt: Date };
}

/**
 * A jobs table drained with SELECT … FOR UPDATE SKIP LOCKED: any number of server processes
 * can run runDue() at once and each job runs once. A job's effects and its completion commit
 * in one transaction, so a crash mid-job leaves it to run again, never half done.
 */
export function createScheduler(deps: {
  db: Database;
  clock: Clock;
  handlers: Record<string, JobHandler>;
  recurring?: RecurringJob[];
  log: Logger;
}): Scheduler {
  const { db, clock, handlers, log } = deps;
  let running: Promise<number> | null = null;

  async function runOne(): Promise<boolean> {
    return db.transaction(async (tx) => {
      const job = await claimDueJob(tx, clock.now());
      if (!job) return false;
      const handler = handlers[job.kind];
      try {
        if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
        // A savepoint: a failing handler's writes are undone, the job row's retry is kept.
        await tx.transaction((inner) => handler(inner, job.payload, clock.now()));
        await markJobDone(tx, job.id, clock.now());
      } catch (error) {
        const delay = Math.min(10_000 * 2 ** job.attempts, MAX_RETRY_MS);
        log.warn({ jobId: job.id, kind: job.kind, attempts: job.attempts + 1 }, 'job failed; will retry');
        await markJobFailed(tx, job.id, new Date(clock.now().getTime() + delay), (error instanceof Error ? error.message : String(error)).slice(0, 500));
      }
      return true;
    });
  }

  async function runAll(): Promise<number> {
    const now = clock.now();
    if (deps.recurring?.length) {
      await insertJobs(db, deps.recurring.map((r) => ({ kind: r.kind, ...r.next(now) })));
    }
    let ran = 0;
    while (await runOne()) ran++;
    return ran;
  }

  return {
    schedule: (tx, jobs) => insertJobs(tx, jobs),
    runDue() {
      running ??= runAll().finally(() => (running = null));
      return running;
    },
  };
}
