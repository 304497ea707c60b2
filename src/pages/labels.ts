import { SPECIALTIES } from '../domain/specialties.js';

const SPECIAL_WORDS: Record<string, string> = { 'obstetrics-gynecology': 'Obstetrics & gynecology', 'hematology-oncology': 'Hematology & oncology', 'pulmonology-critical-care': 'Pulmonology & critical care', otolaryngology: 'Otolaryngology (ENT)' };

function labelOf(slug: string): string {
  const special = SPECIAL_WORDS[slug];
  if (special) return special;
  const words = slug.replaceAll('-', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Every page shows several of these; they are worked out once. */
const LABELS = new Map<string, string>(SPECIALTIES.map((slug) => [slug, labelOf(slug)]));

export function specialtyLabel(slug: string | null | undefined): string {
  if (!slug) return '';
  return LABELS.get(slug) ?? labelOf(slug);
}

export const specialtyOptions = SPECIALTIES.map((value) => ({ value, label: specialtyLabel(value) }));

export const sexOptions = [
  { value: 'female', label: 'Female' },
  { value: 'male', label: 'Male' },
  { value: 'intersex', label: 'Intersex' },
  { value: 'unspecified', label: 'Unspecified' },
];

export const filterOptions = [
  { value: 'newest', label: 'Newest' },
  { value: 'unanswered', label: 'Unanswered' },
  { value: 'urgent', label: 'Urgent' },
  { value: 'solved', label: 'Solved' },
];

const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** Intl formatting costs microseconds a date and a thread shows dozens: one per minute shown. */
const formattedMinutes = new Map<string, string>();

/** Server-side dates are shown in UTC, labelled so. */
export function formatDate(iso: string): string {
  const minute = iso.slice(0, 16);
  let shown = formattedMinutes.get(minute);
  if (shown === undefined) {
    if (formattedMinutes.size >= 10_000) formattedMinutes.clear();
    shown = `${dateFormat.format(new Date(iso))} UTC`;
    formattedMinutes.set(minute, shown);
  }
  return shown;
}

export function ageLabel(age: number | '90+' | null, sex: string): string {
  const a = age === null ? 'age not given' : age === '90+' ? '90+ years' : `${age} years`;
  return `${a}, ${sex}`;
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];
const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "5 minutes ago": the same in every time zone, so the server can say it; the exact time goes in a title. */
export function relativeTime(iso: string, now: Date = new Date()): string {
  const seconds = Math.round((new Date(iso).getTime() - now.getTime()) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relativeFormat.format(Math.round(seconds / size), unit);
  }
  return relativeFormat.format(Math.round(seconds / 60), 'minute');
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => escapes[c]!);

/** The start of a case body as plain words, for the list. */
export function excerpt(markdown: string, max = 180): string {
  const plain = markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/gm, '')
    .replace(/[*_`~]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length <= max) return plain;
  const cut = plain.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/, '')}…`;
}

/**
 * A search snippet from PostgreSQL's ts_headline, as safe HTML: everything escaped, then only
 * the marker characters the query put around matched words become <mark>.
 */
export function snippetHtml(snippet: string, start = '\u0002', stop = '\u0003'): string {
  const text = snippet.replace(/[*_`#>~]+/g, '').replace(/\s+/g, ' ').trim();
  return escapeHtml(text).replaceAll(start, '<mark>').replaceAll(stop, '</mark>');
}

/** Helpers every template may call. */
export const viewHelpers = { specialtyLabel, formatDate, ageLabel, relativeTime, excerpt, snippetHtml };
