import { and, eq, isNull, sql } from 'drizzle-orm';
import { SESSION_REVOKED_CHANNEL } from '../../domain/live-events.js';
import type { DbOrTx } from '../../db/client.js';
import { sessions, users } from '../../db/schema/index.js';

export async function insertSession(
  db: DbOrTx,
  values: { userId: string; now: Date; expiresAt: Date; ip: string | null; userAgent: string | null },
): Promise<string> {
  const [row] = await db
    .insert(sessions)
    .values({ userId: values.userId, createdAt: values.now, lastSeenAt: values.now, expiresAt: values.expiresAt, ip: values.ip, userAgent: values.userAgent })
    .returning({ id: sessions.id });
  return row!.id;
}

export async function findSessionWithUser(db: DbOrTx, sessionId: string) {
  const [row] = await db
    .select({
      sessionId: sessions.id,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      revokedAt: sessions.revokedAt,
      userId: users.id,
      handle: users.handle,
      role: users.role,
      verification: users.verification,
      specialty: users.specialty,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sessionId));
  return row;
}

export async function touchSession(db: DbOrTx, sessionId: string, now: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, sessionId));
}

/**
 * Live websockets of a revoked session are closed by the process holding them; NOTIFY is sent
 * only when the surrounding transaction commits, so a rolled-back revocation closes nothing.
 */
async function announceRevoked(db: DbOrTx, sessionIds: string[]): Promise<void> {
  for (const id of sessionIds) await db.execute(sql`select pg_notify(${SESSION_REVOKED_CHANNEL}, ${id})`);
}

export async function revokeSession(db: DbOrTx, sessionId: string, now: Date, reason: string): Promise<void> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  await announceRevoked(db, rows.map((r) => r.id));
}

export async function revokeUserSessions(db: DbOrTx, userId: string, now: Date, reason: string): Promise<string[]> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  const ids = rows.map((r) => r.id);
  await announceRevoked(db, ids);
  return ids;
}
