import { z } from 'zod';

export const roleSchema = z.enum(['applicant', 'physician', 'moderator', 'admin']);

export const roleBody = z.strictObject({ role: roleSchema });

/** What an admin sees of an account after changing its role. */
export const adminUser = z.object({
  id: z.string(),
  handle: z.string(),
  email: z.string(),
  role: roleSchema,
  verification: z.enum(['none', 'pending', 'verified', 'rejected', 'suspended']),
  specialty: z.string().nullable(),
});
export const adminUserResponse = z.object({ user: adminUser });

export function presentAdminUser(user: z.infer<typeof adminUser>): z.infer<typeof adminUser> {
  return { id: user.id, handle: user.handle, email: user.email, role: user.role, verification: user.verification, specialty: user.specialty };
}
