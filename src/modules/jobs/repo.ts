import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';

export interface NewJob {
  kind: string;
  /** Unique: scheduling the same key twice keeps the first. */
  key: string;
  runAt: Date;
  payload?: Record<string, unknown>;
}

export async function insertJobs(db: DbOrTx, jobs: NewJob[]): Promise<void> {
  for (const job of jobs) {
    await db.execute(sql`
      insert into jobs (kind, key, run_at, payload) values (${job.kind}, ${job.key}, ${job.runAt.toISOString()}, ${JSON.stringify(job.payload ?? {})}::jsonb)
      on conflict (key) do nothing`);
  }
}

export type ClaimedJob = {
  id: string;
  kind: string;
  key: string;
  payload: Record<string, unknown>;
  attempts: number;
};

/** Locks one due job for the caller's transaction; other processes skip it (SKIP LOCKED). */
export async function claimDueJob(tx: DbOrTx, now: Date): Promise<ClaimedJob | undefined> {
  const result = await tx.execute<ClaimedJob>(sql`
    select id, kind, key, payload, attempts from jobs
    where done_at is null and run_at <= ${now.toISOString()}
    order by run_at, id
    limit 1
    for update skip locked`);
  return result.rows[0];
}

export async function markJobDone(tx: DbOrTx, id: string, now: Date): Promise<void> {
  await tx.execute(sql`update jobs set done_at = ${now.toISOString()}, attempts = attempts + 1, last_error = null where id = ${id}`);
}

export async function markJobFailed(tx: DbOrTx, id: string, retryAt: Date, error: string): Promise<void> {
  await tx.execute(sql`update jobs set attempts = attempts + 1, run_at = ${retryAt.toISOString()}, last_error = ${error} where id = ${id}`);
}
