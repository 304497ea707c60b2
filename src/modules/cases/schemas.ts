import { z } from 'zod';
import { SPECIALTIES, specialtySchema } from '../../domain/specialties.js';

/** Longest markdown text accepted for a body, reply or outcome (longer is a 422). */
export const MAX_TEXT = 20_000;
export const MAX_TITLE = 200;
export const MAX_QUESTION = 2_000;

/** PostgreSQL text cannot hold U+0000; refusing it at the edge keeps it a 422, not a 500. */
const NO_NUL = /^[^\u0000]*$/;
export const noNul = <T extends z.ZodString>(schema: T) => schema.regex(NO_NUL, 'must not contain NUL characters');

/** A required, trimmed text field of at most `max` characters. */
export const text = (max: number) => noNul(z.string().trim().min(1).max(max));

export const acknowledgementSchema = z.strictObject({
  field: noNul(z.string().min(1).max(40)),
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  /** The finding's text: an acknowledgement that names it holds wherever an edit moved it. */
  text: z.string().max(2000).optional(),
});
export const acknowledge = z.array(acknowledgementSchema).max(200).optional();

/**
 * Age in years, or the string "90+". Exact ages over 89 are accepted but only their band is
 * ever stored. A number that is not a plausible age is a rule failure (422), not a bad shape.
 */
export const ageSchema = z
  .union([z.number(), z.literal('90+')])
  .refine((age) => age === '90+' || (Number.isInteger(age) && age >= 0 && age <= 130), {
    message: 'age must be a whole number of years from 0 to 130, or "90+"',
  });

export const sexSchema = z.enum(['female', 'male', 'intersex', 'unspecified']);
export const urgencySchema = z.enum(['routine', 'urgent']);

export const createCaseBody = z.strictObject({
  title: text(MAX_TITLE),
  age: ageSchema,
  sex: sexSchema,
  specialty: specialtySchema,
  urgency: urgencySchema,
  body: text(MAX_TEXT),
  question: text(MAX_QUESTION),
  acknowledge,
});
export type CreateCaseInput = z.infer<typeof createCaseBody>;

export const editCaseBody = z
  .strictObject({
    title: text(MAX_TITLE).optional(),
    age: ageSchema.optional(),
    sex: sexSchema.optional(),
    specialty: specialtySchema.optional(),
    urgency: urgencySchema.optional(),
    body: text(MAX_TEXT).optional(),
    question: text(MAX_QUESTION).optional(),
    acknowledge,
  })
  .refine((edit) => Object.keys(edit).some((key) => key !== 'acknowledge'), { message: 'name at least one field to change' });
export type EditCaseInput = z.infer<typeof editCaseBody>;

export const outcomeBody = z.strictObject({ outcome: text(MAX_TEXT), acknowledge });
export type OutcomeInput = z.infer<typeof outcomeBody>;

/** Toggle body: no body (fastify gives null) or no field toggles; a boolean sets. */
export const solvedBody = z.strictObject({ solved: z.boolean().optional() }).nullish();

export const CASE_FILTERS = ['newest', 'unanswered', 'urgent', 'solved'] as const;
export type CaseFilter = (typeof CASE_FILTERS)[number];

/** Query string of the list; an empty value (a form left blank) means "no filter". */
export const listCasesQuery = z.object({
  specialty: z.enum([...SPECIALTIES, '']).optional(),
  q: noNul(z.string().trim().max(200)).optional(),
  filter: z.enum([...CASE_FILTERS, '']).optional(),
  cursor: z.string().max(500).optional(),
  before: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export type ListCasesQuery = z.infer<typeof listCasesQuery>;

// ---- what leaves the server: anything not named here is stripped by the serializer ----

export const authorSchema = z.object({ handle: z.string(), specialty: z.string().nullable() });

export const phiAcknowledgementOut = z.object({
  field: z.string(),
  start: z.number(),
  end: z.number(),
  type: z.string(),
  text: z.string(),
});

export const caseSchema = z.object({
  id: z.string(),
  title: z.string(),
  age: z.union([z.number(), z.literal('90+')]).nullable(),
  sex: sexSchema,
  specialty: z.string(),
  urgency: urgencySchema,
  body: z.string(),
  bodyHtml: z.string(),
  question: z.string(),
  questionHtml: z.string(),
  status: z.enum(['open', 'solved']),
  outcome: z.string().nullable(),
  outcomeHtml: z.string().nullable(),
  outcomeAt: z.string().nullable(),
  author: authorSchema,
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  replyCount: z.number(),
  mine: z.boolean(),
  hidden: z.boolean(),
  hiddenReason: z.string().nullable().optional(),
  phiAcknowledgements: z.array(phiAcknowledgementOut).optional(),
});

export type PublicCase = z.infer<typeof caseSchema>;

/** A long thread read a page at a time: replies with seq after `after`, at most `limit`. */
export const threadQuery = z.object({
  after: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
