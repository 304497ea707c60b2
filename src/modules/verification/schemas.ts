import { z } from 'zod';
import { specialtySchema } from '../../domain/specialties.js';

// Shapes only: the rules (NPI check digit, state codes, non-blank names) are checked by the
// service so their failures are 422 with a precise code rather than a generic union error.
const text = (max: number) => z.string().max(max);

export const npiSubmission = z.strictObject({
  npi: z.union([text(32), z.number().int().nonnegative()]).transform(String),
  firstName: text(200),
  lastName: text(200),
  state: text(32),
});

export const licenceSubmission = z.strictObject({
  country: text(100),
  registry: text(200),
  licenceNumber: text(100),
  firstName: text(200),
  lastName: text(200),
});

export const submissionBody = z.union([npiSubmission, licenceSubmission]);
export type Submission = z.infer<typeof submissionBody>;

/** What the applicant sees of their own request: their claim and whether the NPI was found. */
export const ownVerification = z.object({
  id: z.string(),
  status: z.enum(['pending', 'approved', 'rejected', 'superseded']),
  npi: z.string().nullable(),
  firstName: z.string(),
  lastName: z.string(),
  state: z.string().nullable(),
  country: z.string().nullable(),
  registry: z.string().nullable(),
  licenceNumber: z.string().nullable(),
  registryMatch: z.boolean(),
  specialty: z.string().nullable(),
  decisionReason: z.string().nullable(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
});

export const evidenceSchema = z.object({
  /** Another account has a pending or approved request with the same NPI. */
  duplicateNpi: z.boolean(),
  registryMatch: z.boolean(),
  nameMatch: z.boolean(),
  physicianTaxonomy: z.boolean(),
  taxonomyCodes: z.array(z.string()),
  licenceStates: z.array(z.string()),
  stateMatch: z.boolean(),
  deactivatedOn: z.string().nullable(),
});

export const registryEntrySchema = z.object({
  entityType: z.number().nullable(),
  firstName: z.string().nullable(),
  middleName: z.string().nullable(),
  lastName: z.string().nullable(),
  credential: z.string().nullable(),
  practiceState: z.string().nullable(),
  primaryTaxonomy: z.string().nullable(),
  licenceNumbers: z.array(z.string()),
  licenceStates: z.array(z.string()),
  deactivationDate: z.string().nullable(),
  reactivationDate: z.string().nullable(),
  lastUpdateDate: z.string().nullable(),
});

/**
 * A queue item: the request with its evidence both flat and grouped under `evidence`, the
 * applicant (handle and email: moderators may know who people are) and the registry's own
 * record so the moderator can see a mismatch, not only that there is one.
 */
export const queueItem = ownVerification.extend({
  ...evidenceSchema.shape,
  evidence: evidenceSchema,
  reopenReason: z.string().nullable(),
  /** The other accounts (pending or approved) claiming this request's NPI. */
  npiAlsoClaimedBy: z.array(z.object({ userId: z.string(), handle: z.string(), status: z.string() })),
  userId: z.string(),
  handle: z.string(),
  email: z.string(),
  applicant: z.object({
    id: z.string(),
    handle: z.string(),
    email: z.string(),
    role: z.string(),
    verification: z.string(),
  }),
  registryEntry: registryEntrySchema.nullable(),
  decidedBy: z.string().nullable(),
});

export const queueQuery = z.object({
  status: z.enum(['pending', 'approved', 'rejected', 'superseded']).default('pending'),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});


export const decisionBody = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  specialty: specialtySchema.optional(),
  reason: z.string().trim().max(2000).optional(),
});
export type DecisionInput = z.infer<typeof decisionBody>;

export const submitResponse = z.object({ verification: ownVerification });
export const ownResponse = z.object({ verification: ownVerification.nullable() });
export const queueResponse = z.object({ items: z.array(queueItem) });
export const decisionResponse = z.object({ verification: queueItem });
