import type { DbOrTx } from '../../db/client.js';
import { recordAudit, type AuditContext } from '../audit/service.js';
import type { Role } from '../auth/session-types.js';
import { updateUser, type UserRow } from './repo.js';

/**
 * Every change to an account after it is made goes through one of these named transitions, in
 * the caller's transaction: nothing outside the users module writes the users table. A change
 * of who someone is (role, suspension) writes its one audit row here.
 */
type Account = Pick<UserRow, 'id' | 'role'>;

interface Change {
  now: Date;
  audit: AuditContext;
}

/** Staff roles are given to known people: they count as verified. */
const isStaff = (role: Role) => role === 'moderator' || role === 'admin';

async function auditRoleChange(tx: DbOrTx, audit: AuditContext, user: Account, to: Role, cause: string): Promise<void> {
  if (to === user.role) return;
  await recordAudit(tx, audit, { action: 'user.role_changed', targetType: 'user', targetId: user.id, data: { from: user.role, to, cause } });
}

/** An admin sets someone's role (audited as `user.role_changed`, cause `admin`). */
export async function changeRole(tx: DbOrTx, options: Change & { user: UserRow; role: Role }): Promise<UserRow> {
  const { user, role } = options;
  const verification = isStaff(role) ? 'verified' : user.verification;
  const updated = await updateUser(tx, user.id, { role, verification, updatedAt: options.now });
  await auditRoleChange(tx, options.audit, user, role, 'admin');
  return updated!;
}

/** The applicant filed a verification request (the verification module audits the request). */
export async function markPending(tx: DbOrTx, options: { userId: string; now: Date }): Promise<void> {
  await updateUser(tx, options.userId, { verification: 'pending', statusReason: null, updatedAt: options.now });
}

/**
 * A moderator approved: verified with that specialty; an applicant (or a suspended physician
 * cleared again) becomes a physician, staff keep their role. Returns the role now held.
 */
export async function verify(tx: DbOrTx, options: Change & { user: Account; specialty: string; cause: string }): Promise<Role> {
  const { user } = options;
  const role: Role = user.role === 'applicant' ? 'physician' : user.role;
  await updateUser(tx, user.id, { role, verification: 'verified', specialty: options.specialty, statusReason: null, updatedAt: options.now });
  await auditRoleChange(tx, options.audit, user, role, options.cause);
  return role;
}

/** A moderator rejected: a physician goes back to being an applicant who may apply again. */
export async function reject(tx: DbOrTx, options: Change & { user: Account; reason: string; cause: string }): Promise<Role> {
  const { user } = options;
  const role: Role = user.role === 'physician' ? 'applicant' : user.role;
  await updateUser(tx, user.id, { role, verification: 'rejected', statusReason: options.reason, updatedAt: options.now });
  await auditRoleChange(tx, options.audit, user, role, options.cause);
  return role;
}

/** Suspended until a moderator reviews the account; `statusReason` is what the account holder sees. */
export async function suspend(tx: DbOrTx, options: Change & { user: Account; statusReason: string; data: Record<string, unknown> }): Promise<void> {
  await updateUser(tx, options.user.id, { verification: 'suspended', statusReason: options.statusReason, updatedAt: options.now });
  await recordAudit(tx, options.audit, { action: 'user.suspended', targetType: 'user', targetId: options.user.id, data: options.data });
}

/** A new password hash (the auth module audits the change and revokes the sessions). */
export async function setPassword(tx: DbOrTx, options: { userId: string; passwordHash: string; now: Date }): Promise<UserRow> {
  const updated = await updateUser(tx, options.userId, { passwordHash: options.passwordHash, passwordChangedAt: options.now, updatedAt: options.now });
  return updated!;
}
