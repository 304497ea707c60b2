import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../../db/client.js';
import { ForbiddenError, RateLimitedError, UnauthenticatedError } from '../../errors.js';
import { recordAudit, type AuditContext } from '../audit/service.js';
import { createUser, findUserByEmail, findUserById, updateUser, type UserRow } from '../users/service.js';
import { assertPasswordAllowed, hashPassword, verifyPassword } from './passwords.js';
import { endAllSessions, endSession, startSession, type StartedSession } from './sessions.js';
import { checkLoginThrottle, clearLoginFailures, emailKeyOf, recordLoginFailure } from './throttle.js';

export interface AuthDeps {
  db: Database;
  secret: string;
  now: () => Date;
}

export interface ClientMeta {
  ip: string | null;
  userAgent: string | null;
}

export interface LoginLimits {
  maxFailures: number;
  slowdownStepMs: number;
}

/** The same words for an unknown email and a wrong password, so the answer reveals nothing. */
const BAD_CREDENTIALS = 'the email or password is not correct';

export async function register(
  deps: AuthDeps,
  input: { email: string; password: string },
  meta: ClientMeta,
  audit: AuditContext,
): Promise<{ user: UserRow; session: StartedSession }> {
  assertPasswordAllowed(input.password);
  const passwordHash = await hashPassword(input.password);
  return deps.db.transaction(async (tx) => {
    // A duplicate email is a 409 (email_taken) from createUser. Answering "201" alike would not
    // hide anything without an email round trip (we could not hand out a session for the
    // existing account), so the conventional answer is kept and the route is rate-limited.
    const user = await createUser(tx, { email: input.email, passwordHash });
    const session = await startSession(tx, deps.secret, user.id, deps.now(), meta);
    await recordAudit(tx, { ...audit, actorId: user.id }, { action: 'auth.registered', targetType: 'user', targetId: user.id });
    return { user, session };
  });
}

/**
 * Checks the throttle first (a refused attempt neither checks nor counts the password), then
 * the password, always through argon2 so unknown and known emails take alike time.
 */
export async function login(
  deps: AuthDeps,
  input: { email: string; password: string },
  meta: ClientMeta,
  limits: LoginLimits,
  audit: AuditContext,
): Promise<{ user: UserRow; session: StartedSession }> {
  const key = { emailKey: emailKeyOf(input.email), ip: meta.ip };
  const verdict = await checkLoginThrottle(deps.db, key, deps.now(), limits.maxFailures, limits.slowdownStepMs);
  if (verdict.refused) {
    // The typed email is never stored: the failure is tied to the account's hash only.
    await recordAudit(deps.db, audit, { action: 'auth.login_throttled', data: { emailKey: key.emailKey } });
    throw new RateLimitedError('too many failed logins; try again later', verdict.retryAfterSeconds);
  }
  if (verdict.pauseMs > 0) await sleep(verdict.pauseMs);

  const user = await findUserByEmail(deps.db, input.email.trim());
  const ok = await verifyPassword(user?.passwordHash, input.password);
  if (!user || !ok) {
    await deps.db.transaction(async (tx) => {
      await recordLoginFailure(tx, key, deps.now());
      await recordAudit(tx, audit, {
        action: 'auth.login_failed',
        ...(user ? { targetType: 'user', targetId: user.id } : {}),
        data: { emailKey: key.emailKey, knownAccount: Boolean(user) },
      });
    });
    throw new UnauthenticatedError(BAD_CREDENTIALS, 'invalid_credentials');
  }
  const session = await deps.db.transaction(async (tx) => {
    await clearLoginFailures(tx, key, deps.now());
    const started = await startSession(tx, deps.secret, user.id, deps.now(), meta);
    await recordAudit(tx, { ...audit, actorId: user.id }, { action: 'auth.login', targetType: 'user', targetId: user.id, data: { sessionId: started.sessionId } });
    return started;
  });
  return { user, session };
}

export async function logout(deps: AuthDeps, viewer: { userId: string; sessionId: string }, audit: AuditContext): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await endSession(tx, viewer.sessionId, deps.now(), 'logout');
    await recordAudit(tx, { ...audit, actorId: viewer.userId }, { action: 'auth.logout', targetType: 'user', targetId: viewer.userId, data: { sessionId: viewer.sessionId } });
  });
}

/**
 * Changes the password and revokes every session of the account, then starts a fresh one for
 * the caller: a thief holding an old cookie loses it at once. A wrong current password counts
 * as a failed login for the account, so a stolen cookie cannot be used to guess it freely.
 */
export async function changePassword(
  deps: AuthDeps,
  userId: string,
  input: { currentPassword: string; newPassword: string },
  meta: ClientMeta,
  limits: LoginLimits,
  audit: AuditContext,
): Promise<{ user: UserRow; session: StartedSession }> {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new UnauthenticatedError();
  const key = { emailKey: emailKeyOf(user.email), ip: meta.ip };
  const verdict = await checkLoginThrottle(deps.db, key, deps.now(), limits.maxFailures, limits.slowdownStepMs);
  if (verdict.refused) throw new RateLimitedError('too many wrong passwords; try again later', verdict.retryAfterSeconds);
  if (verdict.pauseMs > 0) await sleep(verdict.pauseMs);
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await recordLoginFailure(deps.db, key, deps.now());
    throw new ForbiddenError('the current password is not correct', 'wrong_password');
  }
  assertPasswordAllowed(input.newPassword);
  const passwordHash = await hashPassword(input.newPassword);
  return deps.db.transaction(async (tx) => {
    const now = deps.now();
    const updated = await updateUser(tx, user.id, { passwordHash, passwordChangedAt: now, updatedAt: now });
    const revoked = await endAllSessions(tx, user.id, now, 'password_changed');
    const session = await startSession(tx, deps.secret, user.id, now, meta);
    await recordAudit(tx, audit, {
      action: 'auth.password_changed',
      targetType: 'user',
      targetId: user.id,
      data: { sessionsRevoked: revoked.length },
    });
    return { user: updated!, session };
  });
}

export async function currentUser(deps: Pick<AuthDeps, 'db'>, userId: string): Promise<UserRow> {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new UnauthenticatedError();
  return user;
}

/**
 * An account made by an operator (`curbside user create`): verified at once in the given role,
 * under the same password rules as registration, audited as made by the system.
 */
export async function createVerifiedAccount(
  deps: Pick<AuthDeps, 'db' | 'now'>,
  input: { email: string; password: string; role: 'physician' | 'moderator' | 'admin'; specialty: string | null },
  audit: AuditContext,
): Promise<UserRow> {
  assertPasswordAllowed(input.password);
  const passwordHash = await hashPassword(input.password);
  return deps.db.transaction(async (tx) => {
    const user = await createUser(tx, { email: input.email, passwordHash, role: input.role, verification: 'verified', specialty: input.specialty });
    await recordAudit(tx, audit, {
      action: 'user.created',
      targetType: 'user',
      targetId: user.id,
      data: { role: input.role, specialty: input.specialty, via: 'cli' },
    });
    return user;
  });
}
