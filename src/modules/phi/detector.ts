import { findAges } from './detector/ages.js';
import { findCharacteristics } from './detector/characteristics.js';
import { findContacts } from './detector/contacts.js';
import { findDates } from './detector/dates.js';
import type { Candidate, PhiFinding } from './detector/finding.js';
import { findIdentifiers } from './detector/identifiers.js';
import { findLinks } from './detector/links.js';
import { findNames } from './detector/names.js';
import { findOrganisations } from './detector/organisations.js';
import { label, labelTokens, type Labelled } from './detector/labeller.js';
import { findNoteNames } from './detector/notes.js';
import { findPlaces } from './detector/places.js';
import { tokenize } from './detector/tokens.js';
import { phiScanSeconds, timed } from '../metrics/instruments.js';

export type { PhiFinding, PhiType } from './detector/finding.js';

// Forum handles (@gasdoc_uk) name colleagues on the forum, not patients.
const FORUM_HANDLE = /(?<![\w./])@[A-Za-z0-9_]{2,}/g;

function forumHandles(text: string): Candidate[] {
  const out: Candidate[] = [];
  FORUM_HANDLE.lastIndex = 0;
  for (let m = FORUM_HANDLE.exec(text); m; m = FORUM_HANDLE.exec(text)) {
    out.push({ start: m.index, end: m.index + m[0].length, type: 'OTHER' });
  }
  return out;
}

function overlaps(a: Candidate, b: Candidate): boolean {
  return a.start < b.end && b.start < a.end;
}

// When spans merge, the kind of the longest one names the result.
function mergeOverlapping(candidates: Candidate[]): Candidate[] {
  const sorted = [...candidates].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Candidate[] = [];
  let longest = 0;
  for (const c of sorted) {
    const last = merged[merged.length - 1];
    if (last && c.start < last.end) {
      if (c.end - c.start > longest) {
        last.type = c.type;
        longest = c.end - c.start;
      }
      last.end = Math.max(last.end, c.end);
    } else {
      merged.push({ ...c });
      longest = c.end - c.start;
    }
  }
  return merged;
}

// "St. Mary's Hospital in Chicago", "Valley Clinic, Boston": a place of care and its town are one
// finding, so the author sees one highlight.
const JOINS_PLACES = /^(?:,\s*|\s+in\s+)$/;

function joinPlaceOfCare(text: string, spans: Candidate[]): Candidate[] {
  const out: Candidate[] = [];
  for (const span of spans) {
    const last = out[out.length - 1];
    if (last && (last.type === 'OTHER' || last.type === 'LOCATION') && span.type === 'LOCATION' && JOINS_PLACES.test(text.slice(last.end, span.start))) {
      last.end = span.end;
    } else {
      out.push({ ...span });
    }
  }
  return out;
}

function trimmed(text: string, c: Candidate): Candidate | undefined {
  let { start, end } = c;
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return end > start ? { start, end, type: c.type } : undefined;
}

/** What the rules alone find, before the labeller weighs them (shielded spans removed). */
export function ruleCandidates(text: string): Candidate[] {
  if (text.length === 0) return [];
  const tokens = tokenize(text);
  const links = findLinks(text);
  const shielded = [...links.references, ...forumHandles(text)];
  const candidates = [
    ...links.findings,
    ...findContacts(text),
    ...findIdentifiers(text),
    ...findDates(text),
    ...findAges(text),
    ...findPlaces(text, tokens),
    ...findOrganisations(text),
    ...findCharacteristics(text),
    ...findNames(text, tokens),
    ...findNoteNames(text, labelTokens(text)),
  ];
  return shielded.length === 0 ? candidates : withoutShielded(candidates, shielded);
}

/** The candidates that overlap no shielded span, by one sweep over both sorted lists. */
function withoutShielded(candidates: Candidate[], shielded: Candidate[]): Candidate[] {
  const spans = mergeOverlapping(shielded);
  const sorted = [...candidates].sort((a, b) => a.start - b.start);
  const out: Candidate[] = [];
  let j = 0;
  for (const c of sorted) {
    while (j < spans.length && spans[j]!.end <= c.start) j++;
    if (j < spans.length && spans[j]!.start < c.end) continue;
    out.push(c);
  }
  return out;
}

// Identifier numbers, contacts, links and ages over 89 have shapes no clinical text shares; the
// rules' word for them stands. Names, places, organisations and dates are weighed by the labeller.
const SHAPED: ReadonlySet<string> = new Set(['ID', 'CONTACT', 'URL', 'AGE']);

// A full date (9/2/92, 8/28/1995, 14 Mar 2024) is a date whatever its context.
const FULL_DATE = /\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|\p{L}{3,}\.?,?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+\p{L}{3,}\.?,?\s+\d{4}/u;

function weigh(text: string, rules: Candidate[], labelled: Labelled): Candidate[] {
  const stands = (c: Candidate): boolean => SHAPED.has(c.type) || (c.type === 'DATE' && FULL_DATE.test(text.slice(c.start, c.end))) || labelled.keeps(c);
  return [...rules.filter(stands), ...labelled.added];
}

/**
 * Finds the 18 HIPAA Safe Harbor identifiers in free text. Synchronous and pure but for the
 * scan-time histogram on /metrics; findings are sorted by start and never overlap.
 */
export function detectPhi(text: string): PhiFinding[] {
  return timed(phiScanSeconds, () => detect(text));
}

function detect(text: string): PhiFinding[] {
  if (text.length === 0) return [];
  const rules = ruleCandidates(text);
  const candidates = weigh(text, rules, label(text, rules));
  const findings: PhiFinding[] = [];
  for (const c of joinPlaceOfCare(text, mergeOverlapping(candidates))) {
    const t = trimmed(text, c);
    if (t) findings.push({ ...t, text: text.slice(t.start, t.end) });
  }
  return findings;
}
