import { createHash } from 'node:crypto';
import type { DbOrTx } from '../../db/client.js';
import { clearPairFailures, countLoginFailures, insertLoginFailure, nthRecentFailureAt, pruneLoginFailures } from './repo.js';

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

export type ThrottleVerdict = { refused: false; pauseMs: number } | { refused: true; retryAfterSeconds: number };

/**
 * The rule (SPEC, "Accounts and security"): failures are counted per account AND address.
 * - `limit` failures of one account from one address in 15 minutes refuse that pair (429)
 *   until the oldest of them leaves the window; nothing else is ever refused, so failures from
 *   a shared address (a hospital's NAT) never stop a colleague whose own attempts from there
 *   did not fail, and an attacker elsewhere never locks the holder out.
 * - An account failing from many addresses, or an address failing for many accounts, is
 *   slowed: a growing pause before the password is checked (capped at 2 s).
 */
export async function checkLoginThrottle(db: DbOrTx, key: ThrottleKey, now: Date, limit: number, stepMs: number): Promise<ThrottleVerdict> {
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS);
  const counts = await countLoginFailures(db, key, since);
  if (counts.pair < limit) return { refused: false, pauseMs: slowdownMs(Math.max(counts.account, counts.ip), stepMs) };
  // The limit-th most recent failure of the pair: when it ages out, fewer than `limit` remain.
  const at = await nthRecentFailureAt(db, key, since, limit);
  const waitMs = Math.max(1000, at ? at.getTime() + LOGIN_WINDOW_MS - now.getTime() : 1000);
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
 * A correct password clears that account's failures from this address only: failures an
 * attacker made elsewhere keep counting, so the holder logging in never buys them more guesses.
 */
export async function clearLoginFailures(db: DbOrTx, key: ThrottleKey, now: Date): Promise<void> {
  await clearPairFailures(db, key);
  await pruneLoginFailures(db, new Date(now.getTime() - LOGIN_WINDOW_MS));
}
