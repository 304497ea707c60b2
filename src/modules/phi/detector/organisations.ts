import type { Candidate } from './finding.js';
import { phrasesEndingIn } from './keyword-phrases.js';
import { isEnglishWord, lexicons } from './lexicons.js';

const CAP_WORD = "(?:\\p{Lu}[\\p{L}\\p{M}'’.-]*|&|and|of|for|the|de|la|del)";
const ORG_KEYWORD =
  "Hospitals?|Clinic|Clinics|Medical\\s+Cent(?:er|re)|Health\\s+Cent(?:er|re)|Health\\s+Clinic|Healthcare|Health\\s+System|Health\\s+Services|Infirmary|Surgery|Practice|Care\\s+Home|Nursing\\s+Home|Care\\s+Cent(?:er|re)|Hospice|Sanatorium|School|Primary|Academy|College|University|Institute|Memorial|Regional|Medical\\s+Group|Trust|Rehab(?:ilitation)?(?:\\s+Cent(?:er|re))?|Cancer\\s+Cent(?:er|re)|Dialysis\\s+(?:Unit|Cent(?:er|re))|Children['’]s|Maternity|Polyclinic|Dispensary|Pharmacy|Laborator(?:y|ies)|Imaging|Radiology|Urgent\\s+Care|Walk-in\\s+Cent(?:er|re)|Elementary|High\\s+School|Middle\\s+School|Kindergarten|Nursery|Daycare|Church|Mosque|Temple|Prison|Correctional\\s+(?:Facility|Center)|Jail|Shelter|Mission";

// Named organisation: capitalised words ending in a keyword, optionally followed by its place.
const ORG_KEYWORD_RE = new RegExp(`\\b(?:${ORG_KEYWORD})\\b`, 'gu');
const ORG_NAME_BEFORE = new RegExp(`(?<![\\p{L}'’])(?:${CAP_WORD}\\s+){0,5}?\\p{Lu}[\\p{L}\\p{M}'’.-]*\\s+$`, 'u');
const ORG_PLACE_AFTER = /\s+(?:of\s+)?\p{Lu}[\p{L}\p{M}'’-]*(?:\s+\p{Lu}[\p{L}\p{M}'’-]*)?/uy;
const SAINT_ORG = /\b(?:St\.?|Saint|Mt\.?|Mount)\s+\p{Lu}[\p{L}'’-]*(?:['’]s)?(?:\s+(?:Regional|General|Memorial|Medical|Hospital|Infirmary|Health|Children['’]s|University|Clinic|Centre|Center|Hospice)\b)*/gu;
const ORG_KEYWORD_FIRST = /\b(?:Kaiser|Federal\s+Medical\s+Cent(?:re|er)|University\s+Hospital|General\s+Hospital|Royal|Sick\s+Kids|Great\s+Ormond\s+Street)(?:\s+(?:of\s+)?\p{Lu}[\p{L}'’-]*){0,3}/gu;
// Care words for a place of care: "seen by Dr Smith at X", "admitted last week to X", "work-up at X".
const CARE_WORDS =
  'seen|treated|admitted|evaluated|visited|operated|presented|referred|transferred|followed|follow-up|managed|diagnosed|hospitali[sz]ed|discharged|delivered|scanned|imaged|work-?up|worked\\s+up|tested|biopsied|biopsy|checked|check-up|examined|observed|attends|attended|registered|scheduled|appointment|report|records|notes|came\\s+through|sent|(?:colleagues?|anyone|someone|friends?)|came|visit|admission|stay|spent|surgery|procedure|consult(?:ation)?|care|clinic|physician|doctor|GP|nurse|staff';
const CAP_PHRASE = "(?:\\p{Lu}[\\p{L}\\p{M}'’.&-]*|[A-Z]{2,})(?:\\s+(?:\\p{Lu}[\\p{L}\\p{M}'’.&-]*|of|and|&))*";
const CARE_CUE = new RegExp(
  `\\b(?:${CARE_WORDS})\\b[^.;?!\\n]{0,40}?\\b(?:at|to|from|in)\\s+(?:the\\s+|our\\s+)?(${CAP_PHRASE})`,
  'gud',
);
const STRONG_CARE_CUE =
  /\b(?:seen|treated|admitted|evaluated|visited|operated|presented|referred|transferred|followed|managed|diagnosed|hospitali[sz]ed|discharged|delivered|biopsied|examined|observed|scheduled)\b[^.;?!\n]*$/i;
// "at Westmead", "at Johns Hopkins": a capitalised name after "at" that is not a word, a region or a date.
const AT_NAME = new RegExp(`\\bat\\s+(?:the\\s+)?(${CAP_PHRASE})`, 'gud');

// Cap phrase + lower-case place of care: "our New York clinic", "the Dallas facility".
const FACILITY_NOUN = /\b(?:clinic|hospital|facility|office|practice|surgery|centre|center|health\s+cent(?:er|re)|medical\s+cent(?:er|re)|location|branch|campus|site)\b/g;
const PLACE_BEFORE_FACILITY = /(?<![\p{L}'’])(?:\p{Lu}[\p{L}'’.-]*\s+){0,2}\p{Lu}[\p{L}'’.-]*\s+$/u;

// Generic units and services: "Memory Clinic", "General Surgery", "Children's Hospital" alone.
const GENERIC_UNIT_WORDS = new Set(
  (
    'a an the our their his her my your this that memory fracture pain sleep heart failure diabetes diabetic cardiac cardiology plastic vascular general colorectal breast ' +
    "children's children teaching district community day cottage private public local eye dental sexual health antenatal maternity mental psychiatric rehab rehabilitation " +
    'renal kidney liver lung chest respiratory stroke neuro neurology oncology cancer haematology hematology rheumatology dermatology skin ent ortho orthopaedic orthopedic ' +
    'paediatric pediatric geriatric elderly falls urology gynae gynaecology obstetric fertility ivf travel vaccine vaccination anticoagulation warfarin inr lipid hypertension ' +
    'tb hiv gum std family medical primary secondary tertiary university regional veterans va military army navy rural urban ' +
    'outpatient inpatient walk-in urgent emergency trauma burns spinal transplant dialysis infusion fertility weight obesity bariatric smoking addiction methadone ' +
    'surgical medicine medical internal acute chronic specialist consultant gp nurse-led nurse physio physiotherapy speech hearing audiology vision optometry foot podiatry ' +
    'wound ulcer continence bone osteoporosis thyroid endocrine endocrinology gastro gastroenterology hepatology ibd allergy immunology asthma copd heart-failure lymphoedema ' +
    'movement disorders epilepsy headache migraine ms palliative hospice memory dementia cognitive autism adhd eating disorders student occupational research trial ' +
    'private-practice group solo rural-health school elementary high middle primary nursery care home nursing residential hospital clinic centre center new old main'
  ).split(/\s+/),
);

// Cited as a source, not a place of care: "the Mayo Clinic page", "per Johns Hopkins ABX Guide".
const SOURCE_AFTER = /^['’]?s?\s*(?:own\s+)?(?:\w+\s+)?(?:page|website|site|guidance|guide|guidelines?|handbook|manual|protocol|calculator|app|leaflet|article|review|library|criteria|proceedings|formulary|abx)\b/i;
const SOURCE_BEFORE = /\b(?:per|according to|see|from the|cf\.?|via|in the|(?:recommendations?|guidance|guidelines?|advice|data|protocols?|criteria|papers?|stud(?:y|ies)|reviews?|articles?|resources?|experts?)\s+(?:from|by|of|at))\s+(?:the\s+)?$/i;

function isGenericPhrase(phrase: string): boolean {
  const words = phrase.toLowerCase().replace(/['’]s\b/g, "'s").split(/\s+/).filter(Boolean);
  return words.every((w) => GENERIC_UNIT_WORDS.has(w) || GENERIC_UNIT_WORDS.has(w.replace(/['’]s$/, '')));
}

function trimOrg(s: string): string {
  return s.replace(/(?:\s+(?:and|of|for|the|&))+$/u, '').replace(/[\s,.]+$/, '');
}

function stripLeadingArticle(text: string, start: number, end: number): number {
  const m = /^(?:The|Our|Their|His|Her|A|An)\s+/.exec(text.slice(start, end));
  return m ? start + m[0].length : start;
}

function isSourceCitation(text: string, start: number, end: number): boolean {
  return SOURCE_AFTER.test(text.slice(end, end + 30)) || SOURCE_BEFORE.test(text.slice(Math.max(0, start - 16), start));
}

const UNIT_ACRONYM = /^(?:ED|ER|ICU|ITU|HDU|CCU|NICU|PICU|AMU|MAU|OR|OT|A&E|GP|OPD|ENT|MDT|CT|MRI|PET|EEG|ECG|IR|CFS|ERI)$/;
const MONTH_OR_DAY =
  /^(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b/;

/**
 * Whether a capitalised phrase after a care word or "at" names a place of care. Units and
 * services ("ICU", "Cardiology"), dates and regions do not; after a bare "at" the phrase must
 * hold a word that is not ordinary English, and must not be a score ("at CFS 5").
 */
function isPlaceOfCareName(phrase: string, afterBareAt: boolean, following: string, strongCue: boolean): boolean {
  const lex = lexicons();
  const words = phrase.split(/\s+/);
  // An acronym ("UCSF", "MHRA") counts only after a word of care such as "seen" or "admitted".
  if (words.every((w) => /^\p{Lu}+$/u.test(w)) && !strongCue) return false;
  if (afterBareAt) {
    if (words.every((w) => isEnglishWord(w) || /^\p{Lu}+$/u.test(w) || lex.eponyms.has(w))) return false;
    if (/^\s*\d/.test(following)) return false;
  }
  if (isGenericPhrase(phrase) || lex.regions.has(phrase) || MONTH_OR_DAY.test(phrase)) return false;
  if (UNIT_ACRONYM.test(phrase)) return false;
  // A single ordinary word names a place of care only if it is also a known name or place ("Mayo").
  if (words.length === 1 && isEnglishWord(phrase) && !lex.personNames.has(phrase) && !lex.places.has(phrase)) return false;
  return true;
}

export function findOrganisations(text: string): Candidate[] {
  const lex = lexicons();
  const out: Candidate[] = [];
  const push = (start: number, end: number): void => {
    start = stripLeadingArticle(text, start, end);
    if (end <= start || isSourceCitation(text, start, end)) return;
    out.push({ start, end, type: 'OTHER' });
  };

  for (const org of phrasesEndingIn(text, ORG_KEYWORD_RE, ORG_NAME_BEFORE)) {
    if (isGenericPhrase(text.slice(org.start, org.keywordStart).trim())) continue;
    ORG_PLACE_AFTER.lastIndex = org.end;
    const place = ORG_PLACE_AFTER.exec(text);
    const end = place ? org.end + place[0].length : org.end;
    push(org.start, org.start + trimOrg(text.slice(org.start, end)).length);
  }
  for (const re of [SAINT_ORG, ORG_KEYWORD_FIRST]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      push(m.index, m.index + trimOrg(m[0]).length);
    }
  }

  for (const re of [CARE_CUE, AT_NAME]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const span = m.indices?.[1];
      if (!span) continue;
      const phrase = trimOrg(m[1]!);
      const strongCue = STRONG_CARE_CUE.test(text.slice(Math.max(0, span[0] - 60), span[0]));
      if (isPlaceOfCareName(phrase, re === AT_NAME, text.slice(span[0] + phrase.length), strongCue)) push(span[0], span[0] + phrase.length);
    }
  }

  for (const facility of phrasesEndingIn(text, FACILITY_NOUN, PLACE_BEFORE_FACILITY)) {
    const phrase = text.slice(facility.start, facility.keywordStart).trim();
    const words = phrase.split(/\s+/);
    if (isGenericPhrase(phrase) || words.every((w) => isEnglishWord(w) || /^\p{Lu}+$/u.test(w))) continue;
    if (lex.regions.has(phrase)) continue;
    push(facility.start, facility.end);
  }
  return out;
}
