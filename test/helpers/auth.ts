import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Role, VerificationStatus } from '../../src/modules/auth/session-types.js';
import { SESSION_COOKIE } from '../../src/modules/auth/session-types.js';
import { startSession } from '../../src/modules/auth/sessions.js';
import { createUser, type UserRow } from '../../src/modules/users/service.js';

export interface SignedInUser {
  user: UserRow;
  /** Value for the `cookie` request header. */
  cookie: string;
  token: string;
}

/**
 * A user with a live session, made through the same services the product uses (the password
 * hash is a placeholder: these users never log in with a password).
 */
export async function signedInUser(
  app: FastifyInstance,
  options: { role?: Role; verification?: VerificationStatus; specialty?: string | null; email?: string } = {},
): Promise<SignedInUser> {
  const role = options.role ?? 'physician';
  const verification = options.verification ?? (role === 'applicant' ? 'none' : 'verified');
  const { database, config, clock } = app.deps;
  const user = await createUser(database.db, {
    email: options.email ?? `${role}-${randomBytes(5).toString('hex')}@example.org`,
    passwordHash: 'not-a-login-account',
    role,
    verification,
    specialty: options.specialty === undefined ? (role === 'applicant' ? null : 'cardiology') : options.specialty,
  });
  const session = await startSession(database.db, config.SESSION_SECRET, user.id, clock.now(), { ip: '127.0.0.1', userAgent: 'test' });
  return { user, token: session.token, cookie: `${SESSION_COOKIE}=${session.token}` };
}
