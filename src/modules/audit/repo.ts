import { and, desc, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { auditEvents } from '../../db/schema/index.js';

export type NewAuditEvent = Omit<typeof auditEvents.$inferInsert, 'id' | 'prevHash' | 'hash'>;
export type AuditRow = typeof auditEvents.$inferSelect;

/** One lock id for the whole chain: appends are serialised until their transaction ends. */
const AUDIT_CHAIN_LOCK = 0x61756474; // "audt"

/**
 * The row's hash, computed by PostgreSQL from the stored values, so writing and checking agree
 * whatever the client does to types: jsonb has one text form, inet and the UTC timestamp too.
 */
export const rowHashSql = sql`encode(sha256(convert_to(jsonb_build_array(
  coalesce(prev_hash, ''), id, actor_id, action, target_type, target_id, request_id, ip::text, data,
  to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')
)::text, 'UTF8')), 'hex')`;

/**
 * Appends an event to the hash chain inside the caller's transaction: the advisory lock makes
 * "read the last hash, insert after it" atomic across processes; it is released at commit, so
 * a rolled-back change leaves no link behind.
 */
export async function appendAuditEvent(db: DbOrTx, event: NewAuditEvent): Promise<void> {
  // Given the pool, open a transaction (the lock needs one); given one, a savepoint inside it.
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
    const [row] = await tx
      .insert(auditEvents)
      .values({ ...event, prevHash: sql`coalesce((select hash from audit_events order by id desc limit 1), '')` })
      .returning({ id: auditEvents.id });
    await tx.execute(sql`update audit_events set hash = ${rowHashSql} where id = ${row!.id}`);
  });
}

export interface ChainCheckRow {
  id: number;
  hash: string | null;
  prevHash: string | null;
  expected: string;
  previous: string | null;
}

/** A page of the chain in id order with what each row's hash and link should be. */
export async function readChainPage(db: DbOrTx, afterId: number, limit: number): Promise<ChainCheckRow[]> {
  const result = await db.execute<{ id: string; hash: string | null; prev_hash: string | null; expected: string; previous: string | null }>(sql`
    select id, hash, prev_hash, ${rowHashSql} as expected,
      (select p.hash from audit_events p where p.id < a.id order by p.id desc limit 1) as previous
    from audit_events a where id > ${afterId} order by id limit ${limit}`);
  return result.rows.map((r) => ({ id: Number(r.id), hash: r.hash, prevHash: r.prev_hash, expected: r.expected, previous: r.previous }));
}

/** Newest first, keyset-paged by id. */
export async function listAuditEvents(db: DbOrTx, beforeId: number | null, limit: number): Promise<AuditRow[]> {
  return db
    .select()
    .from(auditEvents)
    .where(beforeId === null ? undefined : and(lt(auditEvents.id, beforeId)))
    .orderBy(desc(auditEvents.id))
    .limit(limit);
}
