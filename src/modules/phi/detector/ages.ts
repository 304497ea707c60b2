import type { Candidate } from './finding.js';
import { isEnglishWord, lexicons } from './lexicons.js';

// Ages of 90 and over identify (Safe Harbor); "90+" is the permitted aggregate.
const AGE_NUMBER = '(?:9\\d|1[01]\\d)';
const AGE_WORDS =
  '(?:ninety(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|(?:a|one)\\s+hundred(?:\\s+and\\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|\\w+teen))?)';
const AGE = `(?:${AGE_NUMBER}|${AGE_WORDS})`;

const UNIT_AFTER =
  '(?:\\s*(?:yo|y/o|y\\.o\\.?|yr?s?\\.?\\s+old|years?\\s+old|years?\\s+of\\s+age|-?years?-old|-?yr-old|-?y-old|yrs?\\b)|(?:[MF]|[mf](?=[\\s,.;)]))(?![\\w+]))';

const PATTERNS: RegExp[] = [
  // 93F, 91 yo, ninety-four-year-old
  new RegExp(`(?<![\\w.+/-])(${AGE})(?=${UNIT_AFTER})`, 'gi'),
  // aged 93, she's 95, turns 90, is ninety-four
  new RegExp(
    `\\b(?:aged?\\s*:?|both|all|turns?|turned|turning|(?:he|she|who|mum|mom|dad|patient|pt)(?:['’]s|\\s+is|\\s+was)(?:\\s+now|\\s+nearly|\\s+almost)?|my patient is|is now|(?:she|he) is now)\\s+(${AGE})\\b(?![+.]\\d|\\+|\\s*(?:%|mg|kg|mmHg|bpm|ml|\\/))`,
    'gi',
  ),
  // "husband (99)", "Yusuf (92!)", "(so 93)"
  new RegExp(
    `(?:\\p{Lu}\\p{Ll}+|husband|wife|partner|mother|father|mum|mom|dad|brother|sister|son|daughter|aunt|uncle|gran|grandma|grandad|grandfather|grandmother|so)\\s*\\(\\s*(?:so\\s+|aged\\s+)?(${AGE_NUMBER})\\s*!?\\s*\\)`,
    'gu',
  ),
  // "May, 90, on seven antihypertensives"
  new RegExp(`(?<=(?:^|[.!?\\n])[ \\t\\n]{0,8})\\p{Lu}\\p{Ll}+,\\s+(${AGE_NUMBER})(?=[,;]\\s)`, 'gu'),
  // "Aminu is 90", "(what the family call her) is 95", "(so 93)"
  new RegExp(`(?:\\p{Lu}\\p{Ll}+|\\)|\\b(?:husband|wife|partner|mother|father|mum|mom|dad|gran|grandma|grandad|granny|patient|pt))\\s+(?:is|was|turned|turns)\\s+(?:now\\s+|nearly\\s+|almost\\s+)?(${AGE})\\b(?![+.]\\d|\\+|\\s*(?:%|mg|kg|mmHg|bpm|ml|\\/))`, 'gu'),
  new RegExp(`\\(\\s*(?:so|now|aged?|age)\\s+(${AGE_NUMBER})\\s*\\)`, 'gi'),
  // her 102nd birthday
  new RegExp(`\\b(${AGE_NUMBER})(?:st|nd|rd|th)\\s+birthday\\b`, 'gi'),
];

// The age is capture group 1; the `d` flag gives its offsets.
const WITH_INDICES = PATTERNS.map((p) => new RegExp(p.source, `${p.flags}d`));

const PERSON_SUBJECT = /^(?:She|He|Who|Mum|Mom|Dad|Mother|Father|Husband|Wife|Partner|Gran|Granny|Grandma|Grandad|Grandpa|Nan|Patient|Pt)$/;

// "Na is 119", "Glucose was 95": a lab, not a person, before "is".
function isLabBeforeIs(match: string): boolean {
  const subject = /^(\p{Lu}\p{Ll}+)\s+(?:is|was|turned|turns)\b/u.exec(match)?.[1];
  if (!subject) return false;
  if (PERSON_SUBJECT.test(subject)) return false;
  return subject.length < 3 || (isEnglishWord(subject) && !lexicons().firstNames.has(subject));
}

export function findAges(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const re of WITH_INDICES) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (isLabBeforeIs(m[0])) continue;
      const span = m.indices?.[1];
      if (span) out.push({ start: span[0], end: span[1], type: 'AGE' });
    }
  }
  return out;
}
