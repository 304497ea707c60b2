import type { Clock } from '../../clock.js';
import type { Database } from '../../db/client.js';
import { isId } from '../../domain/ids.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { recordAudit, type AuditContext } from '../audit/service.js';
import type { Role } from '../auth/session-types.js';
import { findUserById, updateUser, type UserRow } from './repo.js';

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
    // Staff roles are given to known people: they count as verified. Clinical access for a
    // physician still depends on the verification a moderator granted.
    const verification = role === 'moderator' || role === 'admin' ? 'verified' : user.verification;
    const updated = await updateUser(tx, targetId, { role, verification, updatedAt: deps.clock.now() });
    await recordAudit(tx, audit, {
      action: 'user.role_changed',
      targetType: 'user',
      targetId,
      data: { from: user.role, to: role, cause: 'admin' },
    });
    return updated!;
  });
}

