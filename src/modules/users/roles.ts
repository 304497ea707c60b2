import type { Clock } from '../../clock.js';
import type { Database } from '../../db/client.js';
import { isId } from '../../domain/ids.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { AuditContext } from '../audit/service.js';
import type { Role } from '../auth/session-types.js';
import { findUserById, type UserRow } from './repo.js';
import { changeRole as changeRoleOf } from './transitions.js';

/**
 * An admin sets someone's role. Sessions read the role from the account on every request, so
 * the change applies at once without revoking anything. Admins cannot change their own role,
 * so the last admin cannot lock everyone out by accident.
 */
export async function changeRole(
  deps: { db: Database; clock: Clock },
  { adminId, targetId, role, audit }: { adminId: string; targetId: string; role: Role; audit: AuditContext },
): Promise<UserRow> {
  if (!isId(targetId)) throw new NotFoundError('account');
  if (targetId === adminId) throw new ValidationError('own_role', 'admins cannot change their own role', null);
  return deps.db.transaction(async (tx) => {
    const user = await findUserById(tx, targetId);
    if (!user) throw new NotFoundError('account');
    if (user.role === role) return user;
    // Clinical access for a physician still depends on the verification a moderator granted.
    return changeRoleOf(tx, { user, role, now: deps.clock.now(), audit });
  });
}

