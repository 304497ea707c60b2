import { z } from 'zod';
import { acknowledge, authorSchema, MAX_TEXT, phiAcknowledgementOut, text } from '../cases/schemas.js';

export const replyBody = z.strictObject({ body: text(MAX_TEXT), acknowledge });
export type ReplyInput = z.infer<typeof replyBody>;

/** Toggle bodies: no body (fastify gives null) or no field toggles; a boolean sets. */
export const helpfulBody = z.strictObject({ helpful: z.boolean().optional() }).nullish();
export const voteBody = z.strictObject({ voted: z.boolean().optional() }).nullish();

// ---- what leaves the server: anything not named here is stripped by the serializer ----

export const replySchema = z.object({
  id: z.string(),
  caseId: z.string(),
  seq: z.number(),
  body: z.string(),
  bodyHtml: z.string(),
  author: authorSchema,
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  votes: z.number(),
  voted: z.boolean(),
  helpful: z.boolean(),
  mine: z.boolean(),
  hidden: z.boolean(),
  hiddenReason: z.string().nullable().optional(),
  phiAcknowledgements: z.array(phiAcknowledgementOut).optional(),
});

export type PublicReply = z.infer<typeof replySchema>;
