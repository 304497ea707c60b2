import type { Clock } from '../../clock.js';
import type { Database, DbOrTx } from '../../db/client.js';
import { ConflictError } from '../../errors.js';
import type { Role, VerificationStatus } from '../auth/session-types.js';
import { generateHandle } from './handles.js';
import { changeRole } from './roles.js';
import { findUserByEmail, findUserById, insertUser, type UserRow } from './repo.js';

export type { UserRow };

function isUniqueViolation(error: unknown, constraint: string): boolean {
  const cause = (error as { cause?: { code?: string; constraint?: string } }).cause ?? (error as { code?: string; constraint?: string });
  return cause?.code === '23505' && cause.constraint === constraint;
}

/**
 * Creates an account with a fresh unique pseudonym. The handle is retried on collision inside
 * a savepoint so the surrounding transaction survives; a duplicate email is a ConflictError.
 */
export async function createUser(
  db: Database | DbOrTx,
  values: { email: string; passwordHash: string; role?: Role; verification?: VerificationStatus; specialty?: string | null },
): Promise<UserRow> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      return await db.transaction((tx) =>
        insertUser(tx, {
          email: values.email.trim(),
          passwordHash: values.passwordHash,
          handle: generateHandle(attempt),
          role: values.role ?? 'applicant',
          verification: values.verification ?? 'none',
          specialty: values.specialty ?? null,
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_lower_key')) throw new ConflictError('an account with this email already exists', 'email_taken', 'email');
      if (!isUniqueViolation(error, 'users_handle_key')) throw error;
    }
  }
  throw new Error('could not find a free pseudonym');
}

export { findUserByEmail, findUserById };
export { markPending, reject, setPassword, suspend, verify } from './transitions.js';

/** Account changes made through the API (an admin's role change). */
export function createUsersService(deps: { db: Database; clock: Clock }) {
  return {
    changeRole: (options: Parameters<typeof changeRole>[1]) => changeRole(deps, options),
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
