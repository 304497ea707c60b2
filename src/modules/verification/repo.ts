import { and, asc, count, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { users, verificationRequests } from '../../db/schema/index.js';

export type VerificationRow = typeof verificationRequests.$inferSelect;
export type NewVerification = typeof verificationRequests.$inferInsert;
export type VerificationStatus = VerificationRow['status'];

export async function insertVerification(db: DbOrTx, values: NewVerification): Promise<VerificationRow> {
  const [row] = await db.insert(verificationRequests).values(values).returning();
  return row!;
}

export async function updateVerification(db: DbOrTx, id: string, values: Partial<NewVerification>): Promise<VerificationRow | undefined> {
  const [row] = await db.update(verificationRequests).set(values).where(eq(verificationRequests.id, id)).returning();
  return row;
}

/** Locks the row so two moderators cannot decide the same request at once. */
export async function findVerificationForUpdate(db: DbOrTx, id: string): Promise<VerificationRow | undefined> {
  const [row] = await db.select().from(verificationRequests).where(eq(verificationRequests.id, id)).for('update');
  return row;
}

export async function supersedePending(db: DbOrTx, userId: string): Promise<number> {
  const rows = await db
    .update(verificationRequests)
    .set({ status: 'superseded' })
    .where(and(eq(verificationRequests.userId, userId), eq(verificationRequests.status, 'pending')))
    .returning({ id: verificationRequests.id });
  return rows.length;
}

export async function latestVerificationOf(db: DbOrTx, userId: string): Promise<VerificationRow | undefined> {
  const [row] = await db
    .select()
    .from(verificationRequests)
    .where(eq(verificationRequests.userId, userId))
    .orderBy(desc(verificationRequests.createdAt), desc(verificationRequests.id))
    .limit(1);
  return row;
}

/** The queue: requests in one status with the applicant's handle and email (moderators only). */
export async function listVerifications(db: DbOrTx, status: VerificationStatus, limit: number) {
  return db
    .select({
      request: verificationRequests,
      applicant: { id: users.id, handle: users.handle, email: users.email, role: users.role, verification: users.verification },
    })
    .from(verificationRequests)
    .innerJoin(users, eq(users.id, verificationRequests.userId))
    .where(eq(verificationRequests.status, status))
    .orderBy(status === 'pending' ? asc(verificationRequests.createdAt) : desc(verificationRequests.createdAt), asc(verificationRequests.id))
    .limit(limit);
}

/** How many requests wait in one status (the moderators' header). */
export async function countVerifications(db: DbOrTx, status: VerificationStatus): Promise<number> {
  const [row] = await db.select({ n: count() }).from(verificationRequests).where(eq(verificationRequests.status, status));
  return row?.n ?? 0;
}

/**
 * Verified physicians with the NPI they were approved on (the latest approved request each):
 * the accounts a registry re-import re-checks.
 */
export async function approvedNpisOfVerifiedPhysicians(db: DbOrTx): Promise<VerificationRow[]> {
  const rows = await db
    .selectDistinctOn([verificationRequests.userId], { request: verificationRequests })
    .from(verificationRequests)
    .innerJoin(users, eq(users.id, verificationRequests.userId))
    .where(
      and(
        eq(verificationRequests.status, 'approved'),
        isNotNull(verificationRequests.npi),
        eq(users.role, 'physician'),
        eq(users.verification, 'verified'),
      ),
    )
    .orderBy(verificationRequests.userId, desc(verificationRequests.decidedAt));
  return rows.map((r) => r.request);
}

export async function pendingWithNpi(db: DbOrTx): Promise<VerificationRow[]> {
  return db
    .select()
    .from(verificationRequests)
    .where(and(eq(verificationRequests.status, 'pending'), isNotNull(verificationRequests.npi)));
}


/**
 * Pending and approved requests naming any of these NPIs, with the account behind each: two
 * accounts claiming one number is evidence a moderator must see.
 */
export async function claimsOfNpis(db: DbOrTx, npis: string[]) {
  if (npis.length === 0) return [];
  return db
    .select({ npi: verificationRequests.npi, userId: users.id, handle: users.handle, status: verificationRequests.status })
    .from(verificationRequests)
    .innerJoin(users, eq(users.id, verificationRequests.userId))
    .where(and(inArray(verificationRequests.npi, npis), inArray(verificationRequests.status, ['pending', 'approved'])));
}
