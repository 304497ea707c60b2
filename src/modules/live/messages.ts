import { z } from 'zod';

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('subscribe'),
    caseId: z.uuid(),
    since: z.number().int().min(0).max(2_147_483_647).optional(),
  }),
  z.strictObject({ type: z.literal('unsubscribe'), caseId: z.uuid() }),
  z.strictObject({ type: z.literal('ping') }),
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** Close codes a client can act on. */
export const CLOSE = {
  sessionEnded: 4401,
  forbidden: 4403,
  slowConsumer: 4408,
  rateLimited: 4429,
  goingAway: 1001,
} as const;
