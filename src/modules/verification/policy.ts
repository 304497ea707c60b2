import type { Role, VerificationStatus } from '../auth/session-types.js';

export type SubmitRefusal = 'already_verified' | 'account_suspended' | 'not_applicant';

/**
 * Applicants submit (again after a rejection, or to replace a pending request). A verified
 * account has nothing to submit (409); a suspended one waits for the moderators' review and
 * other roles never apply (403).
 */
export function submitRefusal(user: { role: Role; verification: VerificationStatus }): SubmitRefusal | null {
  if (user.verification === 'verified') return 'already_verified';
  if (user.verification === 'suspended') return 'account_suspended';
  if (user.role !== 'applicant') return 'not_applicant';
  return null;
}

/** Nobody decides their own request, whatever their role. */
export function mayDecide(moderatorId: string, request: { userId: string }): boolean {
  return moderatorId !== request.userId;
}
