import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { CASE_EVENTS_CHANNEL, type CaseEventNotice, type CaseEventType } from '../../domain/live-events.js';

/**
 * The per-case event log. Every change a live subscriber should hear about takes the next
 * per-case `seq` from `cases.last_seq` (the row lock orders concurrent writers), writes a
 * `case_events` row and a NOTIFY, all in the writer's transaction: PostgreSQL delivers the
 * NOTIFY only if that transaction commits, to listeners on every server process.
 */
export { CASE_EVENTS_CHANNEL, type CaseEventNotice, type CaseEventType };

/**
 * Takes the case's next seq, locking the case row until commit. `replyCountDelta` lets a reply
 * write adjust the visible reply count in the same statement. Undefined when the case is gone.
 */
export async function nextCaseSeq(tx: DbOrTx, caseId: string, replyCountDelta = 0): Promise<number | undefined> {
  const result = await tx.execute<{ last_seq: number }>(
    sql`update cases set last_seq = last_seq + 1, reply_count = reply_count + ${replyCountDelta}
        where id = ${caseId} returning last_seq`,
  );
  return result.rows[0]?.last_seq;
}

/** Writes the event row and queues its NOTIFY (sent on commit), in one round trip. */
export async function writeCaseEvent(tx: DbOrTx, notice: CaseEventNotice): Promise<void> {
  await tx.execute(sql`
    with event as (
      insert into case_events (case_id, seq, type, reply_id) values (${notice.caseId}, ${notice.seq}, ${notice.type}, ${notice.replyId})
    )
    select pg_notify(${CASE_EVENTS_CHANNEL}, ${JSON.stringify(notice)})`);
}

/** One call for every event but reply creation (which needs its seq before the reply row exists). */
export async function recordCaseEvent(
  tx: DbOrTx,
  caseId: string,
  type: CaseEventType,
  replyId: string | null = null,
  replyCountDelta = 0,
): Promise<CaseEventNotice> {
  const seq = await nextCaseSeq(tx, caseId, replyCountDelta);
  if (seq === undefined) throw new Error(`case ${caseId} vanished inside its own transaction`);
  const notice: CaseEventNotice = { caseId, seq, type, replyId };
  await writeCaseEvent(tx, notice);
  return notice;
}

/**
 * The events of a case after `since`, in seq order: what a live subscriber replays on
 * (re)subscribing. Bounded; a client further behind reloads the thread instead.
 */
export async function listCaseEventsSince(db: DbOrTx, caseId: string, since: number, limit = 1000): Promise<CaseEventNotice[]> {
  const result = await db.execute<{ seq: number; type: CaseEventType; reply_id: string | null }>(
    sql`select seq, type, reply_id from case_events where case_id = ${caseId} and seq > ${since} order by seq limit ${limit}`,
  );
  return result.rows.map((row) => ({ caseId, seq: row.seq, type: row.type, replyId: row.reply_id }));
}

/** The case's latest seq (0 before any event); undefined when there is no such case. */
export async function latestCaseSeq(db: DbOrTx, caseId: string): Promise<number | undefined> {
  const result = await db.execute<{ last_seq: number }>(sql`select last_seq from cases where id = ${caseId}`);
  return result.rows[0]?.last_seq;
}
