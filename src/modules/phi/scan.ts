import { detectPhi, type PhiFinding, type PhiType } from './detector.js';
import { normaliseForScan, toSubmitted } from './normalise.js';

/** A finding in the text as submitted, and whether the author may wave it through. */
export interface ScanFinding extends PhiFinding {
  acknowledgeable: boolean;
}

const STRONG: ReadonlySet<PhiType> = new Set(['ID', 'CONTACT', 'URL', 'AGE']);

/**
 * Strong findings must be edited: identifier numbers, contacts, links (literature and guideline
 * sites are never findings), ages over 89, and dates with a day or a month. A year alone (a birth
 * year that implies an age over 89) is the only date an author may acknowledge. Names, places and
 * other characteristics are weak: the author may say they are not PHI, and a moderator looks.
 */
export function isAcknowledgeable(type: PhiType, text: string): boolean {
  if (STRONG.has(type)) return false;
  if (type === 'DATE') return /^\d{4}$/.test(text.trim());
  return true;
}

/**
 * Scans what readers will see (see normalise.ts) and reports each finding with offsets and text
 * of the submitted field, so a page can highlight it where the author typed it.
 */
export function scanText(submitted: string): ScanFinding[] {
  if (submitted.length === 0) return [];
  const seen = normaliseForScan(submitted);
  const identity = seen.text === submitted;
  return detectPhi(seen.text).map((f) => {
    const { start, end } = identity ? f : toSubmitted(seen, f.start, f.end);
    return { start, end, type: f.type, text: submitted.slice(start, end), acknowledgeable: isAcknowledgeable(f.type, f.text) };
  });
}
