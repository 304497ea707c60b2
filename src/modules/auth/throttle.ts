import { createHash } from 'node:crypto';
import type { DbOrTx } from '../../db/client.js';
import { clearAccountFailures, countLoginFailures, insertLoginFailure, nthRecentFailureAt, pruneLoginFailures } from './repo.js';

export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
/** Failures allowed at full speed before each further attempt is slowed. */
export const FREE_FAILURES = 3;
export const MAX_SLOWDOWN_MS = 2000;

/**
 * Failures are keyed by a hash of the normalised email, so the table never holds the text
 * people typed into the email field (often a password, or someone else's address).
 */
export function emailKeyOf(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

export interface ThrottleKey {
  emailKey: string;
  ip: string | null;
}

export type ThrottleVerdict = { refused: false; failures: number } | { refused: true; retryAfterSeconds: number };

/**
 * Refused once the account or the IP has `limit` failures in the last 15 minutes; the wait is
 * until the failure that reached the limit leaves the window.
 */
export async function checkLoginThrottle(db: DbOrTx, key: ThrottleKey, now: Date, limit: number): Promise<ThrottleVerdict> {
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS);
  const counts = await countLoginFailures(db, key, since);
  if (counts.account < limit && counts.ip < limit) return { refused: false, failures: Math.max(counts.account, counts.ip) };
  const waits: number[] = [];
  for (const [over, which] of [
    [counts.account >= limit, { emailKey: key.emailKey }],
    [counts.ip >= limit && key.ip !== null, { ip: key.ip! }],
  ] as const) {
    if (!over) continue;
    // The limit-th most recent failure: when it ages out, fewer than `limit` remain.
    const at = await nthRecentFailureAt(db, which, since, limit);
    if (at) waits.push(at.getTime() + LOGIN_WINDOW_MS - now.getTime());
  }
  const waitMs = Math.max(1000, ...waits);
  return { refused: true, retryAfterSeconds: Math.ceil(waitMs / 1000) };
}

/** A growing pause after the first few failures: 1, 2, 3 … steps, never more than 2 s. */
export function slowdownMs(failures: number, stepMs: number): number {
  if (failures < FREE_FAILURES || stepMs <= 0) return 0;
  return Math.min(MAX_SLOWDOWN_MS, (failures - FREE_FAILURES + 1) * stepMs);
}

export async function recordLoginFailure(db: DbOrTx, key: ThrottleKey, now: Date): Promise<void> {
  await insertLoginFailure(db, { emailKey: key.emailKey, ip: key.ip, at: now });
}

/**
 * A correct password clears the account's own failures (its owner has just proved who they
 * are), but not the IP's: an attacker spraying many accounts from one address could otherwise
 * reset the IP counter by logging in to an account of their own now and then.
 */
export async function clearLoginFailures(db: DbOrTx, key: ThrottleKey, now: Date): Promise<void> {
  await clearAccountFailures(db, key.emailKey);
  await pruneLoginFailures(db, new Date(now.getTime() - LOGIN_WINDOW_MS));
}
