import type { Candidate } from './finding.js';
import { phrasesEndingIn } from './keyword-phrases.js';
import { isEnglishWord, lexicons } from './lexicons.js';
import { adjacent, gapBefore, type Token } from './tokens.js';
import { CLINICAL_NOUN } from '../vocabulary/clinical.js';
import { STATE_CODES } from '../vocabulary/places.js';

const CAP = "\\p{Lu}[\\p{L}\\p{M}'’.-]*";
const STREET_SUFFIX =
  'Street|St|Road|Rd|Avenue|Ave|Av|Drive|Dr|Lane|Ln|Terrace|Tce|Close|Cl|Crescent|Cres|Place|Pl|Court|Ct|Boulevard|Blvd|Way|Highway|Hwy|Parkway|Pkwy|Square|Sq|Row|Walk|Gardens|Grove|Mews|Hill|View|Circle|Cir|Trail|Trl|Pike|Loop|Alley|Parade|Esplanade|Broadway|Park|Rise|Green|Gate|Wharf|Quay|Causeway|Expressway|Freeway|Turnpike';

const PATTERNS: RegExp[] = [
  // Flat 2, 17 Cobden Terrace; 1187 W Alameda Ave; 2210 Pecan Hollow Dr
  new RegExp(
    `(?:\\b(?:Flat|Apt|Apartment|Unit|Suite|Ste)\\.?\\s*#?\\w{1,4},?\\s+)?\\b\\d{1,6}[A-Za-z]?,?\\s+(?:[NSEW]\\.?\\s+|(?:North|South|East|West)\\s+)?(?:${CAP}\\s+){1,3}(?:${STREET_SUFFIX})\\b\\.?(?:\\s+(?:Apt|Unit|Suite|#)\\.?\\s*\\w{1,5})?`,
    'gu',
  ),
  /\bP\.?\s?O\.?\s+Box\s+\d+\b/gi,
  /\b(?:Route|Highway|Hwy|Interstate|State\s+Route)\s+\d{1,4}\b|\bI-\d{1,3}\b/g,
  // UK and Canadian postcodes
  /\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b/g,
  /\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b/g,
  // Lake Nokomis, Mount Vernon; Cuyahoga County, New Forest
  new RegExp(`\\b(?:Lake|Loch|Mount|Mt\\.?|Fort|Port|Cape|Isle of)\\s+${CAP}(?:\\s+${CAP})?`, 'gu'),
];

// Gorse Hill Road (a named road without a number); Cuyahoga County, New Forest
const NAMED_ROAD = /\b(?:Street|Road|Avenue|Lane|Drive|Terrace|Boulevard|Crescent|Highway)\b/g;
const NAMED_AREA = /\b(?:County|Parish|Borough|Township|District|Beach|Forest|Heights|Reservation|Reserve|Valley|Village|Estate|Island|Bay|Springs|Falls|Canyon)\b(?!\s+(?:fever|virus|disease|score|criteria))/g;
const CAPITALISED_WORDS_BEFORE = new RegExp(`(?<![\\p{L}'’])(?:${CAP}\\s+){1,3}$`, 'u');

// US ZIP, Australian postcode or Indian PIN after a state, or after its own label.
const POSTCODE_AFTER_STATE = new RegExp(`\\b(?:${STATE_CODES})\\.?,?\\s+(\\d{4,5}(?:-\\d{4})?)\\b`, 'gd');
const LABELLED_POSTCODE = /\b(?:ZIP(?:\s*code)?|post\s*code|postal\s+code|PIN(?:\s*code)?)\s*:?\s*(?:is\s+)?(\d{4,6}(?:-\d{4})?)\b/gid;
const CITY_BEFORE_STATE = new RegExp(`^,\\s*(?:${STATE_CODES})\\b`);
// Before a postcode the state stays out of the span, so the address splits into its parts.
const STATE_CODE_WITHOUT_POSTCODE = new RegExp(`^,\\s*(?:${STATE_CODES})\\b(?!\\s*\\d)`);


// Before a word that is also a common word or a person's name, a place needs one of these.
const LOCATIVE_CUE =
  /\b(?:in|from|near|at|to|outside|around|past|of|visiting|via|into|towards?|between|lives|living|moved|based|home|born|raised|grew up|holiday|trip)\s*$/i;

function endsWithLocativeCue(text: string, start: number): boolean {
  return LOCATIVE_CUE.test(text.slice(Math.max(0, start - 16), start));
}

function regexCandidates(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const re of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const span = m[0].replace(/[\s,.]+$/, '');
      if (lexicons().eponyms.has(span) || CLINICAL_NOUN.test(text.slice(m.index + span.length, m.index + span.length + 30))) continue;
      out.push({ start: m.index, end: m.index + span.length, type: 'LOCATION' });
    }
  }
  for (const keyword of [NAMED_ROAD, NAMED_AREA]) {
    for (const phrase of phrasesEndingIn(text, keyword, CAPITALISED_WORDS_BEFORE)) {
      const words = text.slice(phrase.start, phrase.end);
      if (lexicons().eponyms.has(words) || CLINICAL_NOUN.test(text.slice(phrase.end, phrase.end + 30))) continue;
      out.push({ start: phrase.start, end: phrase.end, type: 'LOCATION' });
    }
  }
  for (const re of [POSTCODE_AFTER_STATE, LABELLED_POSTCODE]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const span = m.indices?.[1];
      if (span) out.push({ start: span[0], end: span[1], type: 'LOCATION' });
    }
  }
  return out;
}

/** A place name that is also ordinary words, a person's name or an eponym needs a cue. */
function isAmbiguousPlace(phrase: string, words: string[]): boolean {
  const lex = lexicons();
  if (lex.eponyms.has(phrase)) return true;
  // Several words together ("Los Angeles", "Thunder Bay") rarely mean anything but the place.
  if (words.length > 1) return words.every((w) => isEnglishWord(w));
  return words.every((w) => isEnglishWord(w) || lex.personNames.has(w) || lex.eponyms.has(w));
}

const MAX_PLACE_WORDS = 4;

// "Canadian Syncope Risk Score": a clinical noun further along the run of capitalised words.
function capitalisedRunNamesAThing(text: string, tokens: Token[], last: number): boolean {
  // A name of a thing is a few words long; looking further would make a run of capitals quadratic.
  for (let j = last; j + 1 < tokens.length && j < last + MAX_PLACE_WORDS + 2 && tokens[j + 1]!.capitalised && adjacent(text, tokens[j]!, tokens[j + 1]!); j++) {
    if (CLINICAL_NOUN.test(` ${tokens[j + 1]!.word}`)) return true;
  }
  return false;
}

function gazetteerCandidates(text: string, tokens: Token[]): Candidate[] {
  const lex = lexicons();
  const out: Candidate[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const first = tokens[i]!;
    if (!first.capitalised || first.acronym) continue;
    let match: { end: number; last: number } | undefined;
    let phrase = first.word;
    const words = [first.word];
    for (let j = i; j < tokens.length && j < i + MAX_PLACE_WORDS; j++) {
      if (j > i) {
        const next = tokens[j]!;
        if (!next.capitalised || !adjacent(text, tokens[j - 1]!, next)) break;
        phrase += ` ${next.word}`;
        words.push(next.word);
      }
      if (lex.places.has(phrase) && !lex.regions.has(phrase)) match = { end: tokens[j]!.end, last: j };
      if (!lex.places.hasLongerEntryStartingWith(`${phrase} `)) break;
    }
    if (!match) continue;
    const placeWords = words.slice(0, match.last - i + 1);
    const placePhrase = placeWords.join(' ');
    const after = text.slice(match.end, match.end + 40);
    if (CLINICAL_NOUN.test(after) || capitalisedRunNamesAThing(text, tokens, match.last)) continue;
    // "Glasgow-Blatchford", "Boston Scientific": part of a longer proper name.
    if (/^-\p{Lu}/u.test(after)) continue;
    const next = tokens[match.last + 1];
    const ambiguous = isAmbiguousPlace(placePhrase, placeWords);
    const hasStateAfter = CITY_BEFORE_STATE.test(after) || (after.startsWith(',') && !!next && lex.regions.has(next.word));
    if (ambiguous && (tokens[match.last]!.possessive || (!hasStateAfter && !endsWithLocativeCue(text, first.start)))) continue;
    if (lex.eponyms.has(placePhrase) && !hasStateAfter && !STRONG_LOCATIVE.test(text.slice(Math.max(0, first.start - 24), first.start))) continue;
    if (next && next.capitalised && !next.acronym && adjacent(text, tokens[match.last]!, next) && isEnglishWord(next.word) && ambiguous) continue;
    // "Atlanta, GA": a two-letter state code is how the city is written, so it joins the span.
    const stateCode = STATE_CODE_WITHOUT_POSTCODE.exec(after);
    out.push({ start: first.start, end: match.end + (stateCode ? stateCode[0].length : 0), type: 'LOCATION' });
    i = match.last;
  }
  return out;
}

// "lives in Foo", "family in Foo", "moved from Foo": a capitalised word after these is a place,
// even one missing from the gazetteer.
const STRONG_LOCATIVE = /\b(?:lives|living|live|moved|moving|relocated|based|resides|residing|home|family|families|relatives|parents|from|out past|near|just outside|outside of|visiting|village of|town of|city of|suburb of)\s+(?:in|to|from|near|at)?\s*$/i;

function cuedUnknownPlaces(text: string, tokens: Token[]): Candidate[] {
  const lex = lexicons();
  const out: Candidate[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!token.capitalised || token.acronym || token.word.length < 3) continue;
    if (isEnglishWord(token.word) || lex.regions.has(token.word) || lex.eponyms.has(token.word)) continue;
    if (gapBefore(text, tokens, i) !== ' ' || !STRONG_LOCATIVE.test(text.slice(Math.max(0, token.start - 24), token.start))) continue;
    if (CLINICAL_NOUN.test(text.slice(token.end, token.end + 30))) continue;
    out.push({ start: token.start, end: token.end, type: 'LOCATION' });
  }
  return out;
}

export function findPlaces(text: string, tokens: Token[]): Candidate[] {
  return [...regexCandidates(text), ...gazetteerCandidates(text, tokens), ...cuedUnknownPlaces(text, tokens)];
}
