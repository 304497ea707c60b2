import type { Candidate } from './finding.js';
import { MONTH_ABBR, MONTH_FULL } from '../vocabulary/calendar.js';

const MONTH = `(?:${MONTH_FULL}|${MONTH_ABBR})`;
const WEEKDAY = '(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?';
const ORDINAL_DAY = '(?:[12]?\\d|3[01])(?:st|nd|rd|th)';
const DAY = '(?:[12]?\\d|3[01])(?:st|nd|rd|th)?';
const YEAR_TAIL = `(?:,?\\s+(?:19|20)\\d{2}|\\s+'\\d{2})`;
// A number right after a month may be a dose or a count rather than a day ("May 5 mg").
const NOT_A_UNIT = '(?!\\s*(?:mg|mcg|g|ml|mL|kg|units?|u|%|mmol|x)\\b)';

const MONTH_NAME_DATE = new RegExp(
  [
    // Tuesday the 12th, Thursday 11 April, Fri 22nd, Monday 14th
    `\\b${WEEKDAY}\\.?,?\\s+(?:the\\s+)?${DAY}(?:\\s+(?:of\\s+)?${MONTH}\\.?)?${YEAR_TAIL}?\\b`,
    // 14 Mar, 4th of July, 9 Sept 2021, 14-Mar-2024
    `\\b${DAY}(?:\\s+of)?[\\s.-]+${MONTH}\\b\\.?(?:(?:[\\s,-]+(?:19|20)\\d{2})|\\s+'\\d{2})?`,
    // April 12, 2023; March 14th; Jan 2
    `\\b${MONTH}\\.?\\s+${DAY}\\b${NOT_A_UNIT}(?:,?\\s+(?:19|20)\\d{2}\\b|,?\\s+'\\d{2}\\b)?`,
    // Feb 2019, Mar '24
    `\\b${MONTH}\\.?,?\\s+(?:(?:19|20)\\d{2}\\b|'\\d{2}\\b)`,
  ].join('|'),
  'g',
);

// A month on its own dates an event; "May" and "March" are also a name and a town, so they need
// a preposition before them. Hyphenated forms are eponyms (May-Thurner).
const BARE_MONTH = new RegExp(
  `\\b(?:(?:in|since|on|from|until|till|by|during|early|mid|late|last|this|next|of|before|after|through)\\s+(?:${MONTH_FULL}|${MONTH_ABBR})|(?:January|February|April|June|July|August|September|October|November|December|Jan|Feb|Apr|Jun|Jul|Aug|Sept|Oct|Nov|Dec))\\b(?![-'’]\\p{L})`,
  'gu',
);

const PREPOSITION_PREFIX = /^(?:in|since|on|from|until|till|by|during|early|mid|late|last|this|next|of|before|after|through)\s+/;

const HOLIDAY = new RegExp(
  [
    "Christmas(?:\\s+(?:Eve|Day))?",
    "New\\s+Year['’]s(?:\\s+(?:Eve|Day))?",
    'Easter(?:\\s+(?:Sunday|Monday|weekend))?',
    'Good\\s+Friday',
    'Boxing\\s+Day',
    'Thanksgiving',
    'Halloween',
    'Hallowe[’\']en',
    'Diwali',
    'Deepavali',
    'Holi',
    'Eid(?:\\s+al-(?:Fitr|Adha))?',
    'Hanukk?ah',
    'Chanukah',
    'Passover',
    'Yom\\s+Kippur',
    'Rosh\\s+Hashanah',
    '(?:Lunar|Chinese)\\s+New\\s+Year',
    "Valentine['’]s\\s+Day",
    "(?:Mother|Father)['’]s\\s+Day",
    "St\\.?\\s+Patrick['’]s\\s+Day",
    '(?:Independence|Memorial|Labou?r|Veterans|Canada|Australia|Anzac|Bastille|Remembrance)\\s+Day',
    'Fourth\\s+of\\s+July',
    'Bonfire\\s+Night',
    'Hogmanay',
    'Burns\\s+Night',
    'Vaisakhi',
    'Navratri',
    'Ramadan',
    'Kwanzaa',
    'Guy\\s+Fawkes(?:\\s+Night)?',
  ].map((h) => `\\b${h}\\b`).join('|'),
  'g',
);

// Christmas disease (haemophilia B), Easter Island, and the like are not dates.
const HOLIDAY_NOT_A_DATE = /^\s*(?:disease|factor|tree|card|island|present|gift|pudding|lights?|party|parties)\b/i;

// 03/14/2024, 14.03.2024, 07-02-1931, 3/21/24, 12/10/23
const NUMERIC_DMY = /(?<![\w./-])(\d{1,2})([/.-])(\d{1,2})\2((?:19|20)?\d{2})(?![\w/-]|\.\d)/g;
// 2024-03-14
const ISO_DATE = /(?<![\w./-])((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})(?![\w/-]|\.\d)/g;
// 11/2023
const MONTH_YEAR_NUMERIC = /(?<![\w./-])(\d{1,2})\/((?:19|20)\d{2})(?![\w/-]|\.\d)/g;
// 6/18, 2/3: only dated by a cue in front, since most such pairs are fractions, scores and doses.
const DAY_MONTH_CUED =
  /\b(?:on|dated|from|since|until|till|DOB|DOS|DOA|DOD|d\.o\.b\.?|seen|admitted|adm|admission|discharged|disch|d\/c|reviewed|review|appt|appointment|clinic|visit|operated|op|surgery|scanned|started|stopped|(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day)?)\s*:?\s+(\d{1,2})\/(\d{1,2})(?![\w/]|\.\d|\s*(?:of|mg|mcg|g|ml|cores?|strength|power|days?|weeks?|months?|units?)\b)/gi;
// the 3rd, on the 28th: a day of the month, unless it counts something else
const ORDINAL_ALONE = new RegExp(
  `\\b((?:the\\s+)?(${ORDINAL_DAY}))\\b(?!\\s*(?:[-–]\\s*)?(?:centile|percentile|time|times|day|week|cycle|dose|line|generation|edition|floor|rib|ribs|toe|finger|digit|nerve|cranial|ventricle|intercostal|space|trimester|decade|year|month|grade|degree|birthday|metacarpal|metatarsal|lumbar|thoracic|cervical|sacral|attempt|episode|admission|flare|course|session|infusion|pregnancy|child|baby|sibling|round|stage|place|percent|%|hour|minute|of\\s+(?:the|his|her|their|my|our)\\b))`,
  'g',
);
const BORN_YEAR = /\b(?:born(?:\s+in)?|b\.|YOB|year of birth)\s*:?\s*((?:18|19)\d{2})\b/gi;

const CURRENT_YEAR = new Date().getUTCFullYear();

function isValidDayMonth(day: number, month: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

function isPlausibleNumericDate(a: number, b: number): boolean {
  return isValidDayMonth(a, b) || isValidDayMonth(b, a);
}

function collect(text: string, pattern: RegExp, out: Candidate[], accept: (m: RegExpExecArray) => Candidate | undefined): void {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const candidate = accept(m);
    if (candidate) out.push(candidate);
  }
}

function whole(m: RegExpExecArray): Candidate {
  return { start: m.index, end: m.index + m[0].length, type: 'DATE' };
}

export function findDates(text: string): Candidate[] {
  const out: Candidate[] = [];
  collect(text, MONTH_NAME_DATE, out, (m) => ({ ...whole(m), end: m.index + m[0].replace(/[.,\s]+$/, '').length }));
  collect(text, BARE_MONTH, out, (m) => {
    const prefix = PREPOSITION_PREFIX.exec(m[0]);
    const start = m.index + (prefix ? prefix[0].length : 0);
    const word = text.slice(start, m.index + m[0].length);
    // Capitalised only: "may" and "march" are verbs.
    if (!/^\p{Lu}/u.test(word)) return undefined;
    return { start, end: m.index + m[0].length, type: 'DATE' };
  });
  collect(text, HOLIDAY, out, (m) => (HOLIDAY_NOT_A_DATE.test(text.slice(m.index + m[0].length)) ? undefined : whole(m)));
  collect(text, NUMERIC_DMY, out, (m) => (isPlausibleNumericDate(Number(m[1]), Number(m[3])) ? whole(m) : undefined));
  collect(text, ISO_DATE, out, (m) => (isValidDayMonth(Number(m[3]), Number(m[2])) ? whole(m) : undefined));
  collect(text, MONTH_YEAR_NUMERIC, out, (m) => (Number(m[1]) >= 1 && Number(m[1]) <= 12 ? whole(m) : undefined));
  collect(text, DAY_MONTH_CUED, out, (m) => {
    if (!isPlausibleNumericDate(Number(m[1]), Number(m[2]))) return undefined;
    const end = m.index + m[0].length;
    const start = end - (m[1]!.length + 1 + m[2]!.length);
    return { start, end, type: 'DATE' };
  });
  collect(text, ORDINAL_ALONE, out, (m) => {
    const day = Number.parseInt(m[2]!, 10);
    if (day < 1 || day > 31) return undefined;
    return { start: m.index, end: m.index + m[1]!.length, type: 'DATE' };
  });
  collect(text, BORN_YEAR, out, (m) => {
    const year = Number(m[1]);
    if (CURRENT_YEAR - year < 90) return undefined;
    const end = m.index + m[0].length;
    return { start: end - m[1]!.length, end, type: 'DATE' };
  });
  return out;
}
