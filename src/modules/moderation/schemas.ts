import { z } from 'zod';
import { idParam } from '../../domain/ids.js';
import { caseSchema, text } from '../cases/schemas.js';
import { replySchema } from '../replies/schemas.js';

const reason = text(1000);
export const contentTypeSchema = z.enum(['case', 'reply']);

export const createFlagBody = z.strictObject({
  targetType: contentTypeSchema,
  targetId: idParam,
  reason,
});
export type CreateFlagInput = z.infer<typeof createFlagBody>;

export const listFlagsQuery = z.object({ status: z.enum(['open', 'hidden', 'dismissed']).default('open') });

export const decisionBody = z.strictObject({ action: z.enum(['hide', 'dismiss']), reason });
export type DecisionInput = z.infer<typeof decisionBody>;

export const moderationReasonBody = z.strictObject({ reason });

export const contentParams = z.object({ type: contentTypeSchema, id: idParam });

export const flagSchema = z.object({
  id: z.string(),
  targetType: contentTypeSchema,
  targetId: z.string(),
  reason: z.string(),
  status: z.enum(['open', 'hidden', 'dismissed']),
  createdAt: z.string(),
  resolution: z.string().nullable(),
  resolvedAt: z.string().nullable(),
});

/** What a moderator sees in the queue: the flag, who raised it, and the content as it stands. */
export const queuedFlagSchema = flagSchema.extend({
  reporter: z.object({ handle: z.string() }),
  target: z
    .object({
      caseId: z.string(),
      deleted: z.boolean(),
      case: caseSchema.optional(),
      reply: replySchema.optional(),
    })
    .nullable(),
});

export type PublicFlag = z.infer<typeof flagSchema>;
export type QueuedFlag = z.infer<typeof queuedFlagSchema>;
