import { z } from 'zod';

/** Posts are at most 20,000 characters; the scanner accepts a little more than any one field. */
export const MAX_SCAN_CHARS = 100_000;

export const scanBodySchema = z.strictObject({ text: z.string().max(MAX_SCAN_CHARS) });

export const findingSchema = z.object({
  start: z.number().int(),
  end: z.number().int(),
  type: z.enum(['NAME', 'DATE', 'AGE', 'LOCATION', 'CONTACT', 'ID', 'URL', 'OTHER']),
  text: z.string(),
  /** False for identifiers, contacts, links, dates with a day or month and ages over 89. */
  acknowledgeable: z.boolean(),
});

export const scanResponseSchema = z.object({ findings: z.array(findingSchema) });
