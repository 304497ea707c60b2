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

/** Helpers every template may call. */
export const viewHelpers = { specialtyLabel, formatDate, ageLabel };
