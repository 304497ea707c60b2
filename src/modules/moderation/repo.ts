import { and, asc, count, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { flags, users } from '../../db/schema/index.js';

export type FlagRecord = typeof flags.$inferSelect;
export type NewFlag = typeof flags.$inferInsert;
export type FlagStatus = FlagRecord['status'];

export async function insertFlag(db: DbOrTx, values: NewFlag): Promise<FlagRecord> {
  const [row] = await db.insert(flags).values(values).returning();
  return row!;
}

export async function findFlagForUpdate(db: DbOrTx, id: string): Promise<FlagRecord | undefined> {
  const [row] = await db.select().from(flags).where(eq(flags.id, id)).for('update');
  return row;
}

export async function listFlagsWithReporter(db: DbOrTx, status: FlagStatus, limit: number): Promise<Array<FlagRecord & { reporterHandle: string }>> {
  return db
    .select({ flag: flags, reporterHandle: users.handle })
    .from(flags)
    .innerJoin(users, eq(users.id, flags.reporterId))
    .where(eq(flags.status, status))
    .orderBy(asc(flags.createdAt), asc(flags.id))
    .limit(limit)
    .then((rows) => rows.map((row) => ({ ...row.flag, reporterHandle: row.reporterHandle })));
}

/** How many flags are in one status (the moderators' header). */
export async function countFlags(db: DbOrTx, status: FlagStatus): Promise<number> {
  const [row] = await db.select({ n: count() }).from(flags).where(eq(flags.status, status));
  return row?.n ?? 0;
}

export interface Resolution {
  status: Exclude<FlagStatus, 'open'>;
  resolvedBy: string;
  resolution: string;
  resolvedAt: Date;
}

export async function resolveFlag(db: DbOrTx, id: string, resolution: Resolution): Promise<FlagRecord> {
  const [row] = await db.update(flags).set(resolution).where(eq(flags.id, id)).returning();
  return row!;
}

/** Closes every open flag on one piece of content (it has been hidden). */
export async function resolveOpenFlagsOn(db: DbOrTx, targetType: string, targetId: string, resolution: Resolution): Promise<number> {
  const rows = await db
    .update(flags)
    .set(resolution)
    .where(and(eq(flags.targetType, targetType), eq(flags.targetId, targetId), eq(flags.status, 'open')))
    .returning({ id: flags.id });
  return rows.length;
}
