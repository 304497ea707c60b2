import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gte, isNull, sql } from 'drizzle-orm';
import type { Clock } from '../../clock.js';
import type { Database, DbOrTx } from '../../db/client.js';
import { loginFailures, passwordResetTokens } from '../../db/schema/index.js';
import { ValidationError } from '../../errors.js';
import { recordAudit, type AuditContext } from '../audit/service.js';
import type { Mailer } from '../mail/service.js';
import { findUserByEmail } from '../users/service.js';
import { setPassword } from '../users/transitions.js';
import { assertPasswordAllowed, hashPassword } from './passwords.js';
import { endAllSessions } from './sessions.js';
import { emailKeyOf } from './throttle.js';

export const RESET_VALID_MINUTES = 30;
/** More requests than this in an hour send no further mail (the answer stays 202). */
const RESETS_PER_HOUR = 5;

export interface ResetDeps {
  db: Database;
  clock: Clock;
  mailer: Mailer;
  origin: string;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

async function recentRequests(db: DbOrTx, userId: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(passwordResetTokens)
    .where(and(eq(passwordResetTokens.userId, userId), gte(passwordResetTokens.createdAt, since)));
  return row?.n ?? 0;
}

/**
 * Mails a single-use link valid 30 minutes. The caller answers 202 whatever happens here, so
 * the answer never tells whether an account has this address. Only a hash of the token is kept.
 */
export async function requestPasswordReset(deps: ResetDeps, email: string, audit: AuditContext): Promise<void> {
  const user = await findUserByEmail(deps.db, email.trim());
  if (!user) return;
  const now = deps.clock.now();
  if ((await recentRequests(deps.db, user.id, new Date(now.getTime() - 60 * 60_000))) >= RESETS_PER_HOUR) return;
  const token = randomBytes(32).toString('base64url');
  await deps.db.transaction(async (tx) => {
    await tx.insert(passwordResetTokens).values({
      userId: user.id,
      tokenHash: hashToken(token),
      expiresAt: new Date(now.getTime() + RESET_VALID_MINUTES * 60_000),
      createdAt: now,
    });
    await deps.mailer.enqueue(tx, user.email, {
      template: 'password-reset',
      link: `${deps.origin}/password-reset?token=${token}`,
      minutes: RESET_VALID_MINUTES,
    });
    await recordAudit(tx, audit, { action: 'auth.password_reset_requested', targetType: 'user', targetId: user.id });
  });
}

/**
 * Sets the new password if the token is known, unused and fresh; every session of the account
 * is revoked, every other outstanding link dies with it, and failed logins on the account are
 * forgotten (a holder locked out by an attacker gets back in this way).
 */
export async function confirmPasswordReset(deps: ResetDeps, input: { token: string; newPassword: string }, audit: AuditContext): Promise<void> {
  assertPasswordAllowed(input.newPassword);
  const passwordHash = await hashPassword(input.newPassword);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(passwordResetTokens)
      .where(eq(passwordResetTokens.tokenHash, hashToken(input.token)))
      .for('update');
    if (!row || row.usedAt || row.expiresAt <= now) {
      throw new ValidationError('invalid_reset_token', 'this reset link is not valid any more; ask for a new one', 'token');
    }
    await tx
      .update(passwordResetTokens)
      .set({ usedAt: now })
      .where(and(eq(passwordResetTokens.userId, row.userId), isNull(passwordResetTokens.usedAt)));
    const user = await setPassword(tx, { userId: row.userId, passwordHash, now });
    const revoked = await endAllSessions(tx, row.userId, now, 'password_reset');
    if (user) await tx.delete(loginFailures).where(eq(loginFailures.emailKey, emailKeyOf(user.email)));
    await recordAudit(tx, { ...audit, actorId: row.userId }, {
      action: 'auth.password_reset',
      targetType: 'user',
      targetId: row.userId,
      data: { sessionsRevoked: revoked.length },
    });
  });
}
