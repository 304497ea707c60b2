import type { Candidate } from './finding.js';

// Labels that announce a patient's number. The label itself is not PHI; the value after it is.
const ID_LABEL = [
  'MRN', 'MR#', 'MR\\s*no\\.?', 'med(?:ical)?\\s+rec(?:ord)?\\s*(?:no\\.?|number|#)?', 'hosp(?:ital)?\\s*(?:no\\.?|number|#)',
  'record\\s*(?:no\\.?|number|#)', 'unit\\s*(?:no\\.?|number)', 'UR(?:N)?(?:\\s*(?:no\\.?|number))?', 'CR\\s*no\\.?',
  'NHS\\s*(?:no\\.?|number|#)?', 'CHI(?:\\s*(?:no\\.?|number))?', 'OHIP(?:\\s*card)?(?:\\s*(?:no\\.?|number))?',
  'Medicare(?:\\s*(?:card|no\\.?|number|ID|#))?', 'Medicaid(?:\\s*(?:ID|no\\.?|number|#))?', 'Medi-Cal(?:\\s*(?:ID|no\\.?|number|#))?',
  'MBI', 'PhilHealth(?:\\s*(?:no\\.?|number|ID))?', 'NHIA(?:\\s*enrol(?:l)?ee)?(?:\\s*(?:no\\.?|number|ID))?', 'Aadhaar(?:\\s*(?:no\\.?|number))?',
  'CURP', 'SSN', 'SIN', 'social\\s+security(?:\\s*(?:no\\.?|number|#))?', 'health\\s*(?:card|plan)\\s*(?:no\\.?|number|ID|#)?',
  'member(?:ship)?\\s*(?:ID|no\\.?|number|#)', 'subscriber\\s*(?:ID|no\\.?|number)', 'policy\\s*(?:ID|no\\.?|number|#)?',
  'insurance\\s*(?:ID|no\\.?|number|#)', 'beneficiary\\s*(?:ID|no\\.?|number)', 'group\\s*(?:no\\.?|number|#)',
  'acct\\.?\\s*(?:no\\.?|number|#)?', 'account\\s*(?:no\\.?|number|#)?', 'encounter\\s*(?:ID|no\\.?|number|#)?',
  'visit\\s*(?:ID|no\\.?|number|#)', 'FIN', 'CSN', 'accession\\s*(?:no\\.?|number|#)?', 'path(?:ology)?\\s*(?:no\\.?|number|#)?',
  'specimen\\s*(?:ID|no\\.?|number|#)?', 'lab\\s*(?:ID|no\\.?|number|#)', 'sample\\s*(?:ID|no\\.?|number)', 'case\\s*(?:ID|no\\.?|number|#)',
  'claim\\s*(?:ID|no\\.?|number|#)?', 'patient\\s*(?:ID|no\\.?|number|#)', 'study\\s*ID', 'licen[cs]e\\s*(?:no\\.?|number|#)?',
  "driver['’]?s\\s+licen[cs]e(?:\\s*(?:no\\.?|number|#))?", 'DL\\s*(?:no\\.?|#)', 'passport\\s*(?:no\\.?|number|#)?',
  'reg(?:istration)?\\s*(?:no\\.?|number|plate)?', '(?:number|licen[cs]e)\\s+plate', 'plate', 'VIN', 'serial\\s*(?:no\\.?|number|#)?',
  'S/N', 'device\\s*(?:serial|ID|no\\.?|number)?', 'lot\\s*(?:no\\.?|number|#)', 'template\\s+id', 'ID', 'I\\.D\\.', 'ref(?:erence)?\\s*(?:no\\.?|number|#)',
  'certificate\\s*(?:no\\.?|number|#)', 'GMC\\s*(?:no\\.?|number)?', 'NPI', 'DEA(?:\\s*(?:no\\.?|number|#))?', 'no\\.', '#',
].join('|');

// Value: a code with at least one digit, possibly in spaced or hyphenated groups.
const ID_VALUE = '#?[A-Z0-9](?:[A-Z0-9/_-]|\\s(?=\\d{3}))*[A-Z0-9]';

const LABELLED_ID = new RegExp(
  `(?<![\\w-])(?:${ID_LABEL})(?![A-Za-z])(?:\\s*(?:[:#=]|is|was|of|card|\\(|,)\\s*){0,3}\\s*(${ID_VALUE})`,
  'gid',
);

// Labels whose numbers are clinical or billing codes, not a patient's.
const CODE_LABEL = /\b(?:NDC|LOINC|ICD(?:-?1[01])?(?:-CM)?|CPT|HCPCS|SNOMED(?:\s*CT)?|DRG|code|codes|OPCS|ATC|RxNorm|PMID|doi|ISBN|EC|UniProt|rs)\s*:?\s*$/i;

// SSN, full or by its last digits
const SSN = /(?<![\w-])#?\d{3}-\d{2}-\d{4}(?![\w-])/g;
const ENDING_DIGITS = /\b(?:ending(?:\s+in)?|ends(?:\s+in)?|last\s+(?:four|4)(?:\s+digits)?(?:\s+(?:of\s+)?(?:\w+\s+)?(?:SSN|number))?)\s*:?\s*(\d{3,6})\b/gid;

// Unlabelled: mixed letters and digits (PJN604112S, CY24-08817, 4TQ7-HW2-KN61), long digit runs
// (1703311846), and digit groups (4821 7730 5512).
const ALNUM_CODE = /(?<![\w.\-/*:])#?(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9]+(?:-[A-Z0-9]+)*(?![\w\-*]|\.\d|:\d)/g;
const DIGIT_RUN = /(?<![\w.,\-/])\d{7,}(?![\w,\-/]|\.\d)/g;
const HYPHENATED_DIGITS = /(?<![\w.,\-/])\d{2,10}(?:[-/]\d{2,9}){1,3}(?:-[A-Z]{1,3})?(?![\w\-/]|\.\d)/g;
// UK number plates (KX19 RFD): distinctive enough to need no label.
const UK_PLATE = /\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b/g;
const SPACED_DIGITS = /(?<![\w.,\-/])\d{3,5}(?:\s\d{3,5}){2,3}(?![\w\-/]|\.\d)/g;

function digits(s: string): number {
  return s.replace(/\D/g, '').length;
}

function isCodeContext(text: string, start: number): boolean {
  return CODE_LABEL.test(text.slice(Math.max(0, start - 24), start));
}

// Looks like a CPT code with a modifier (99214-25) or a LOINC code with its check digit (4548-4).
function isClinicalCodeShape(s: string): boolean {
  return /^\d{5}-\d{2}$/.test(s) || /^\d{3,5}-\d$/.test(s);
}

function isDateShape(s: string): boolean {
  return /^\d{1,2}[-/.]\d{1,2}[-/.](?:\d{2}|\d{4})$/.test(s) || /^\d{4}-\d{1,2}-\d{1,2}$/.test(s) || /^\d{1,2}\/\d{4}$/.test(s);
}

// Blood pressures and their ranges (120-130/70), ventilator settings (30/700/10, 700X10, AC700X10),
// volumes and rates with a unit (200-300CC), shift times (1900-0700) and ranges after a measure
// (MAP57-63) are numbers of care, not of a person.
function isMeasurementShape(s: string): boolean {
  if (/\d\/\d/.test(s) && s.split(/[-/]/).every((g) => g.length <= 3)) return true;
  if (/^[A-Z]*\d{2,4}X\d{1,3}$/i.test(s)) return true;
  if (/\d(?:CC|ML|MG|MCG|L|KG|U|MEQ|MMHG)$/i.test(s)) return true;
  if (/^[A-Z]{1,5}\d{1,3}-\d{1,3}$/i.test(s)) return true;
  const times = /^(\d{4})-(\d{4})$/.exec(s);
  if (times && [times[1]!, times[2]!].every((t) => Number(t.slice(0, 2)) <= 24 && Number(t.slice(2)) < 60)) return true;
  return false;
}

function trimValue(value: string): string {
  return value.replace(/[-/_]+$/, '');
}

export function findIdentifiers(text: string): Candidate[] {
  const out: Candidate[] = [];
  const push = (start: number, end: number): void => {
    out.push({ start, end, type: 'ID' });
  };

  LABELLED_ID.lastIndex = 0;
  for (let m = LABELLED_ID.exec(text); m; m = LABELLED_ID.exec(text)) {
    const span = m.indices?.[1];
    if (!span) continue;
    const value = trimValue(m[1]!);
    const start = span[0];
    const end = span[0] + value.length;
    const label = m[0].slice(0, span[0] - m.index).trim();
    const bare = text.slice(start, end);
    // A bare "#" or "no." announces counts as often as ids ("#3 this season"), so it needs a longer value.
    const weakLabel = /^(?:#|no\.|ID|I\.D\.|plate|reg)$/i.test(label);
    // A code mixing letters and digits (8G4KJ2) is an id with fewer digits than a bare number.
    const mixed = /[A-Za-z]/.test(bare) && bare.length >= 5;
    if (digits(bare) < (weakLabel && !mixed ? 4 : 2) || bare.length < 4) continue;
    if (isCodeContext(text, m.index) || isDateShape(bare) || isMeasurementShape(bare)) continue;
    // "ID: Tmax 100.8": a heading (infectious disease) before a measurement, not a label.
    if (/^(?:ID|I\.D\.)\s*[:#=]?$/i.test(label) && /^[A-Za-z]+\s/.test(bare)) continue;
    push(start, end);
    LABELLED_ID.lastIndex = Math.max(LABELLED_ID.lastIndex, end);
  }

  for (const re of [SSN, ALNUM_CODE, DIGIT_RUN, HYPHENATED_DIGITS, SPACED_DIGITS, UK_PLATE]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const value = m[0];
      const start = m.index;
      if (re === ALNUM_CODE && (value.replace('#', '').length < 6 || digits(value) < 4)) continue;
      if (re === HYPHENATED_DIGITS && (digits(value) < 7 || isClinicalCodeShape(value) || isDateShape(value))) continue;
      if (re === SPACED_DIGITS && digits(value) < 10) continue;
      if (isCodeContext(text, start) || isMeasurementShape(value)) continue;
      push(start, start + value.length);
    }
  }

  ENDING_DIGITS.lastIndex = 0;
  for (let m = ENDING_DIGITS.exec(text); m; m = ENDING_DIGITS.exec(text)) {
    const span = m.indices?.[1];
    if (span) push(span[0], span[1]);
  }
  return out;
}
