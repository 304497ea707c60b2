import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/client.js';
import { ForbiddenError, InvalidCredentialsError, RateLimitedError, UnauthenticatedError } from '../../errors.js';
import { recordAudit, type AuditContext } from '../audit/service.js';
import { createUser, findUserByEmail, findUserById, setPassword, type UserRow } from '../users/service.js';
import { assertPasswordAllowed, hashPassword, verifyPassword } from './passwords.js';
import { endAllSessions, endSession, startSession, type StartedSession } from './sessions.js';
import { checkLoginThrottle, clearLoginFailures, emailKeyOf, recordLoginFailure } from './throttle.js';

export interface AuthDeps {
  db: Database;
  secret: string;
  clock: Clock;
  limits: LoginLimits;
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

async function register(
  deps: AuthDeps,
  { input, meta, audit }: { input: { email: string; password: string }; meta: ClientMeta; audit: AuditContext },
): Promise<{ user: UserRow; session: StartedSession }> {
  assertPasswordAllowed(input.password);
  const passwordHash = await hashPassword(input.password);
  return deps.db.transaction(async (tx) => {
    // A duplicate email is a 409 (email_taken) from createUser. Answering "201" alike would not
    // hide anything without an email round trip (we could not hand out a session for the
    // existing account), so the conventional answer is kept and the route is rate-limited.
    const user = await createUser(tx, { email: input.email, passwordHash });
    const session = await startSession(tx, deps.secret, user.id, deps.clock.now(), meta);
    await recordAudit(tx, { ...audit, actorId: user.id }, { action: 'auth.registered', targetType: 'user', targetId: user.id });
    return { user, session };
  });
}

/**
 * Checks the throttle first (a refused attempt neither checks nor counts the password), then
 * the password, always through argon2 so unknown and known emails take alike time.
 */
async function login(
  deps: AuthDeps,
  { input, meta, audit }: { input: { email: string; password: string }; meta: ClientMeta; audit: AuditContext },
): Promise<{ user: UserRow; session: StartedSession }> {
  const { limits } = deps;
  const key = { emailKey: emailKeyOf(input.email), ip: meta.ip };
  const verdict = await checkLoginThrottle(deps.db, key, deps.clock.now(), limits.maxFailures, limits.slowdownStepMs);
  if (verdict.refused) {
    // The typed email is never stored: the attempt is tied to the account's hash only.
    await recordAudit(deps.db, audit, { action: 'auth.login_throttled', data: { emailKey: key.emailKey } });
    throw new RateLimitedError('too many failed logins; try again later', verdict.retryAfterSeconds);
  }
  if (verdict.pauseMs > 0) await sleep(verdict.pauseMs);

  const user = await findUserByEmail(deps.db, input.email.trim());
  const ok = await verifyPassword(user?.passwordHash, input.password);
  if (!user || !ok) {
    await deps.db.transaction(async (tx) => {
      await recordLoginFailure(tx, key, deps.clock.now());
      await recordAudit(tx, audit, {
        action: 'auth.login_failed',
        ...(user ? { targetType: 'user', targetId: user.id } : {}),
        data: { emailKey: key.emailKey, knownAccount: Boolean(user) },
      });
    });
    throw new InvalidCredentialsError(BAD_CREDENTIALS);
  }
  const session = await deps.db.transaction(async (tx) => {
    await clearLoginFailures(tx, key, deps.clock.now());
    const started = await startSession(tx, deps.secret, user.id, deps.clock.now(), meta);
    await recordAudit(tx, { ...audit, actorId: user.id }, { action: 'auth.login', targetType: 'user', targetId: user.id, data: { sessionId: started.sessionId } });
    return started;
  });
  return { user, session };
}

async function logout(deps: AuthDeps, { userId, sessionId, audit }: { userId: string; sessionId: string; audit: AuditContext }): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await endSession(tx, sessionId, deps.clock.now(), 'logout');
    await recordAudit(tx, { ...audit, actorId: userId }, { action: 'auth.logout', targetType: 'user', targetId: userId, data: { sessionId } });
  });
}

/**
 * Changes the password and revokes every session of the account, then starts a fresh one for
 * the caller: a thief holding an old cookie loses it at once. A wrong current password counts
 * as a failed login for the account, so a stolen cookie cannot be used to guess it freely.
 */
async function changePassword(
  deps: AuthDeps,
  { userId, input, meta, audit }: { userId: string; input: { currentPassword: string; newPassword: string }; meta: ClientMeta; audit: AuditContext },
): Promise<{ user: UserRow; session: StartedSession }> {
  const { limits } = deps;
  const user = await findUserById(deps.db, userId);
  if (!user) throw new UnauthenticatedError();
  const key = { emailKey: emailKeyOf(user.email), ip: meta.ip };
  const verdict = await checkLoginThrottle(deps.db, key, deps.clock.now(), limits.maxFailures, limits.slowdownStepMs);
  if (verdict.refused) throw new RateLimitedError('too many wrong passwords; try again later', verdict.retryAfterSeconds);
  if (verdict.pauseMs > 0) await sleep(verdict.pauseMs);
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await recordLoginFailure(deps.db, key, deps.clock.now());
    throw new ForbiddenError('the current password is not correct', 'wrong_password');
  }
  assertPasswordAllowed(input.newPassword, 'newPassword');
  const passwordHash = await hashPassword(input.newPassword);
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const updated = await setPassword(tx, { userId: user.id, passwordHash, now });
    const revoked = await endAllSessions(tx, user.id, now, 'password_changed');
    const session = await startSession(tx, deps.secret, user.id, now, meta);
    await recordAudit(tx, audit, {
      action: 'auth.password_changed',
      targetType: 'user',
      targetId: user.id,
      data: { sessionsRevoked: revoked.length },
    });
    return { user: updated, session };
  });
}

async function currentUser(deps: Pick<AuthDeps, 'db'>, { userId }: { userId: string }): Promise<UserRow> {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new UnauthenticatedError();
  return user;
}

/**
 * An account made by an operator (`curbside user create`): verified at once in the given role,
 * under the same password rules as registration, audited as made by the system.
 */
async function createVerifiedAccount(
  deps: Pick<AuthDeps, 'db'>,
  { input, audit }: { input: { email: string; password: string; role: 'physician' | 'moderator' | 'admin'; specialty: string | null }; audit: AuditContext },
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

/** Registration, login, logout, password change and operator-made accounts, bound to their dependencies. */
export function createAuthService(deps: AuthDeps) {
  return {
    register: (options: Parameters<typeof register>[1]) => register(deps, options),
    login: (options: Parameters<typeof login>[1]) => login(deps, options),
    logout: (options: Parameters<typeof logout>[1]) => logout(deps, options),
    changePassword: (options: Parameters<typeof changePassword>[1]) => changePassword(deps, options),
    currentUser: (options: Parameters<typeof currentUser>[1]) => currentUser(deps, options),
    createVerifiedAccount: (options: Parameters<typeof createVerifiedAccount>[1]) => createVerifiedAccount(deps, options),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
