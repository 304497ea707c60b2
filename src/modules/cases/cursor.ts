import { z } from 'zod';
import { UUID_PATTERN } from '../../domain/ids.js';
import { BadRequestError } from '../../errors.js';
import type { ListKey } from './repo.js';

/** The opaque list cursor: base64url JSON of the last row's sort key. */
const cursorSchema = z.strictObject({
  // Bounded so that a forged cursor cannot overflow PostgreSQL's real or timestamp (a 500).
  r: z.number().min(0).max(1e6).optional(),
  t: z.string().regex(/^(19|2\d)\d{2}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/),
  i: z.string().regex(UUID_PATTERN),
});

const NOT_OURS = 'the cursor is not one this server handed out';

export function encodeCursor(key: ListKey): string {
  return Buffer.from(JSON.stringify({ r: key.rank, t: key.at, i: key.id })).toString('base64url');
}

/** A cursor of a search carries a rank; using it for a plain list (or back) is refused. */
export function decodeCursor(cursor: string, searching: boolean): ListKey {
  let parsed: z.infer<typeof cursorSchema>;
  try {
    parsed = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new BadRequestError(NOT_OURS, 'cursor');
  }
  const millis = parsed.t.slice(0, 23);
  const real = new Date(`${millis}Z`);
  if (Number.isNaN(real.getTime()) || real.toISOString().slice(0, 23) !== millis) throw new BadRequestError(NOT_OURS, 'cursor');
  if ((parsed.r !== undefined) !== searching) throw new BadRequestError('the cursor belongs to a different search', 'cursor');
  return { rank: parsed.r, at: parsed.t, id: parsed.i };
}
