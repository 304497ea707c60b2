import { z } from 'zod';
import { SPECIALTIES } from '../../domain/specialties.js';

export const NOTIFICATION_TYPES = ['reply', 'helpful', 'solved', 'outcome', 'urgent_case', 'new_case', 'followup', 'alert'] as const;

export const notificationSchema = z.object({
  id: z.string(),
  type: z.enum(NOTIFICATION_TYPES),
  caseId: z.string().nullable(),
  replyId: z.string().nullable(),
  actor: z.object({ handle: z.string() }).nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
  /** The case as the reader may see it now: null once hidden from them or deleted. */
  case: z.object({ title: z.string(), specialty: z.string() }).nullable(),
});
export type PublicNotification = z.infer<typeof notificationSchema>;

export const listQuery = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

export const listResponse = z.object({ items: z.array(notificationSchema), unread: z.number(), nextCursor: z.string().nullable() });

export const readBody = z.union([
  z.strictObject({ ids: z.array(z.uuid()).min(1).max(500) }),
  z.strictObject({ all: z.literal(true) }),
]);

export const watchBody = z.strictObject({ watch: z.boolean() });
export const watchResponse = z.object({ watching: z.boolean() });

const HANDLE = /^[\p{L}\p{N} .'-]{1,80}$/u;
export const followsBody = z.strictObject({
  specialties: z.array(z.enum(SPECIALTIES)).max(SPECIALTIES.length),
  handles: z.array(z.string().trim().regex(HANDLE, 'must be a pseudonym like "Dr. Quiet Heron"')).max(500),
});
export const followsResponse = z.object({ specialties: z.array(z.string()), handles: z.array(z.string()) });

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 22:00');
export const settingsBody = z.strictObject({
  email: z.enum(['off', 'instant', 'daily']),
  urgent: z.boolean(),
  /** Instant mails wait until quiet hours end (in timeZone); null removes them. */
  quietHours: z.strictObject({ start: clock, end: clock }).nullable().optional(),
  timeZone: z.string().min(1).max(64).optional(),
});
export const settingsResponse = z.object({
  email: z.enum(['off', 'instant', 'daily']),
  urgent: z.boolean(),
  quietHours: z.object({ start: z.string(), end: z.string() }).nullable(),
  timeZone: z.string(),
});
export type NotificationSettings = z.infer<typeof settingsResponse>;
export type SettingsInput = z.infer<typeof settingsBody>;
