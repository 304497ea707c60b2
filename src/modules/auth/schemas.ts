import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from './passwords.js';

/** Length rules live in the service (assertPasswordAllowed) so the CLI gets the same messages. */
const password = z.string().max(MAX_PASSWORD_LENGTH);

export const registerBody = z.strictObject({
  email: z.string().trim().max(254).pipe(z.email({ message: 'must be an email address' })),
  password,
});

/** Login accepts any string as the email: a malformed one simply matches no account. */
export const loginBody = z.strictObject({
  email: z.string().max(254),
  password,
});

export const changePasswordBody = z.strictObject({
  currentPassword: password,
  newPassword: password,
});

/** What the account holder sees of their own account; never the password hash. */
export const selfUser = z.object({
  id: z.string(),
  handle: z.string(),
  role: z.enum(['applicant', 'physician', 'moderator', 'admin']),
  verification: z.enum(['none', 'pending', 'verified', 'rejected', 'suspended']),
  specialty: z.string().nullable(),
  email: z.string(),
  statusReason: z.string().nullable(),
});

export const userResponse = z.object({ user: selfUser });

export type SelfUser = z.infer<typeof selfUser>;

export function presentSelf(user: {
  id: string;
  handle: string;
  role: SelfUser['role'];
  verification: SelfUser['verification'];
  specialty: string | null;
  email: string;
  statusReason: string | null;
}): SelfUser {
  return {
    id: user.id,
    handle: user.handle,
    role: user.role,
    verification: user.verification,
    specialty: user.specialty,
    email: user.email,
    statusReason: user.statusReason,
  };
}
