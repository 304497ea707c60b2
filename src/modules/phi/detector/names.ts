import type { Candidate } from './finding.js';
import { isEnglishWord, lexicons } from './lexicons.js';
import { adjacent, isSentenceStart, type Token } from './tokens.js';
import { EPONYM_NOUN } from '../vocabulary/clinical.js';
import { MONTHS } from '../vocabulary/calendar.js';
import { NAME_TITLES as TITLES, RELATION_WORDS as RELATIONS } from '../vocabulary/people.js';


// "calls him X", "known as X", "goes by X"
const NAMING_PHRASE = /\b(?:calls?\s+(?:him|her|them)|known\s+as|goes\s+by|answers\s+to|name\s+is|name['’]s)\s*$/i;
const NAMING_PHRASE_ENDS = new Set(['him', 'her', 'them', 'as', 'by', 'to', 'is', 'name', 'names']);
// "pt is olumide": a patient introduced by name, but only with a word that is no English word.
const PATIENT_IS = /\b(?:pt|patient)\s+is\s+$/i;

// Placeholders and fictional or historical figures are never a patient.
const NOT_A_PERSON = new Set(
  'X Y Z A B C D E Doe Bloggs Blogs Public Roe Nobody Somebody Anybody Someone House Who Seuss Strangelove Jekyll Hyde Frankenstein Google Right Osler Hippocrates Nightingale Freud Kildare Quinn Grey Ratched'.split(
    ' ',
  ),
);

// Relations that say who a person is to the patient; a capitalised word after them is a name even
// when it is also a word ("daughter Rose", "son Mark"). Not "patient", "child" or "boy": a heading
// may follow those.
const FAMILY_RELATIONS = new Set([...RELATIONS].filter((r) => !/^(?:patient|pt|baby|child|kid|boy|girl|called|named|nicknamed|aka|gp)$/.test(r)));

// Two or three capitals after "pt" are initials unless they are a label or a diagnosis.
const NOT_PATIENT_INITIALS = new Set('ID MRN DOB SSN UR URN NHS CHI MBI AF MI PE DM HF RA MS CP ED UK US OK NO IV PO HR BP IN ON IS TO AT'.split(' '));


// Dotted initials that are abbreviations instead.
const NOT_INITIALS = new Set(['U.S.', 'U.K.', 'D.O.B.', 'A.M.', 'P.M.', 'N.B.', 'P.S.', 'R.N.', 'M.D.', 'B.S.', 'E.R.', 'I.V.', 'P.O.', 'O.D.', 'B.D.', 'Q.D.', 'T.D.S.', 'D.C.', 'I.D.', 'U.N.', 'E.U.', 'L.A.', 'N.Y.', 'S.O.B.', 'C.O.', 'R.I.P.', 'A.K.A.', 'G.I.', 'G.U.', 'C.I.', 'H.O.', 'R.T.', 'O.R.', 'U.O.', 'C.V.', 'N.P.', 'P.A.', 'P.T.', 'O.T.', 'S.W.', 'D.N.R.', 'E.W.', 'V.S.', 'I.D.', 'B.S.', 'F.S.', 'N.G.', 'O.G.']);
const DOTTED_INITIALS = /(?<![\p{L}.])\p{Lu}\.\s?\p{Lu}\.(?:\s?\p{Lu}\.)?(?![\p{L}])/gu;
const AGE_SEX_AFTER = /^\s*[,(]\s*\d{1,3}\s*(?:[MFmf]\b|yo\b|y\/o|-?year-old|yrs?\b|\)|,|!)/;
const AGE_SEX_BEFORE = /\b\d{1,3}\s?[MF],\s*$/;
const SPEECH_AFTER = /^\s*(?:\)|says|said|wants|wanted|thinks|asked|asks|is|was|has|had|reports|reported|found|came|brought|insists|feels|tells|told|rang|called|doesn['’]t|does)\b/i;
const PERSON_VERB_AFTER = /^\s+(?:says|said|wants|wanted|thinks|thought|asked|asks|insists|insisted|feels|felt|tells|told|rang|reports|reported|refuses|refused|agrees|agreed|worries|prefers)\b/i;

// A name is capitalised and then lower case, in parts joined by a hyphen or an apostrophe
// (O'Brien, Reyes-Montoya, McLeod); "HbSS", "SmPC" and "Pre-op" are not names.
const NAME_SHAPE = /^(?:Mc|Mac|Fitz|De|La|Le|Van)?\p{Lu}\p{Ll}+(?:['’-]\p{Lu}\p{Ll}+)*$/u;

function isNameShaped(word: string): boolean {
  return NAME_SHAPE.test(word);
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

function followsEponymNoun(text: string, token: Token): boolean {
  return EPONYM_NOUN.test(text.slice(token.end, token.end + 40));
}

/** A capitalised word that is a name and nothing else a clinician would write. */
function isUnambiguousName(word: string): boolean {
  const lex = lexicons();
  if (word.length < 3 || !isNameShaped(word) || NOT_A_PERSON.has(word) || lex.eponyms.has(word) || lex.regions.has(word)) return false;
  if (isEnglishWord(word)) return false;
  const parts = word.split('-');
  if (parts.length > 1) {
    return parts.every((p) => lex.personNames.has(p) && !lex.eponyms.has(p) && !lex.places.has(p) && !isEnglishWord(p));
  }
  return lex.personNames.has(word) || lex.firstNames.has(word);
}

/** A word after a title or a relation: any capitalised word that is not clearly something else. */
function isCuedName(token: Token, allowLowerCase: boolean): boolean {
  const lex = lexicons();
  const word = token.word;
  if (word.length < 2 || NOT_A_PERSON.has(word) || token.acronym || MONTHS.has(word)) return false;
  if (token.capitalised) {
    if (lex.regions.has(word)) return false;
    return !isEnglishWord(word) || lex.firstNames.has(word) || lex.personNames.has(word);
  }
  if (!allowLowerCase) return false;
  return lex.personNames.has(capitalise(word));
}

function isInitial(text: string, token: Token): boolean {
  return token.word.length === 1 && /\p{Lu}/u.test(token.word) && text[token.end] === '.';
}

/** Extends a name over following surname-like words: "José Antonio Quiñónez", "Anna S.", "Ó Briain". */
function extendName(text: string, tokens: Token[], i: number, maxWords: number): { end: number; last: number } {
  let last = i;
  let end = tokens[i]!.end;
  for (let j = i + 1; j < tokens.length && j <= i + maxWords; j++) {
    const prev = tokens[j - 1]!;
    const token = tokens[j]!;
    const afterInitial = isInitial(text, prev) && /^\.\s+$/.test(text.slice(prev.end, token.start));
    if (!adjacent(text, prev, token) && !afterInitial) break;
    // "Dr R. Balasubramanian", but not "Alan K. Just checking".
    if (afterInitial && isEnglishWord(token.word)) break;
    if (isInitial(text, token)) {
      last = j;
      end = token.end + 1;
      continue;
    }
    const particle = /^(?:van|von|de|da|del|della|di|du|le|la|bin|binti|al|el|ibn|ap|Ó|O|Mac|Mc)$/.test(token.word);
    if (particle && j + 1 < tokens.length && tokens[j + 1]!.capitalised) continue;
    if (!token.capitalised || token.acronym || !(isUnambiguousName(token.word) || (lexicons().personNames.has(token.word) && !lexicons().eponyms.has(token.word)) || !isEnglishWord(token.word))) break;
    if (lexicons().regions.has(token.word) || MONTHS.has(token.word)) break;
    last = j;
    end = token.end;
    if (token.possessive) break;
  }
  return { end, last };
}

function titleNames(text: string, tokens: Token[], out: Candidate[]): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const title = tokens[i]!;
    if (!TITLES.has(title.lower) || title.possessive) continue;
    const gap = text.slice(title.end, tokens[i + 1]!.start);
    if (!/^\.?[ \t]+$/.test(gap)) continue;
    const first = tokens[i + 1]!;
    // "Nurse", "Chief", "Lady" and "Lord" are common nouns unless capitalised.
    if (/^(?:nurse|chief|lady|lord|sir|uncle|aunty|auntie|doctor)$/.test(title.word)) continue;
    const lowerCaseTitle = !title.capitalised;
    if (NOT_A_PERSON.has(first.word)) continue;
    const particle = /^(?:Ó|O|Mac|Mc|Ní|Ni|Nic|Van|Von|De|Da|Di|Du|Le|La|Al|El)$/.test(first.word) && tokens[i + 2]?.capitalised;
    if (!(isInitial(text, first) || particle || isCuedName(first, lowerCaseTitle))) continue;
    if (lexicons().eponyms.has(`${title.word} ${first.word}`)) continue;
    const { end, last } = extendName(text, tokens, i + 1, 3);
    const initialOnly = last === i + 1 && isInitial(text, first);
    // The title is highlighted with the name: "Dr. Smith" reads as one identifier to the author.
    out.push({ start: title.start, end: initialOnly ? first.end + 1 : end, type: 'NAME' });
    i = last;
  }
}

function relationNames(text: string, tokens: Token[], out: Candidate[]): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const cue = tokens[i]!;
    const cueWord = cue.lower;
    // Most words are no cue at all; only these can end a naming phrase.
    const mayEndPhrase = NAMING_PHRASE_ENDS.has(cueWord);
    if (!mayEndPhrase && !RELATIONS.has(cueWord)) continue;
    const namingPhrase = mayEndPhrase && NAMING_PHRASE.test(text.slice(Math.max(0, tokens[i + 1]!.start - 20), tokens[i + 1]!.start));
    const patientIs = cueWord === 'is' && PATIENT_IS.test(text.slice(Math.max(0, tokens[i + 1]!.start - 16), tokens[i + 1]!.start)) && !isEnglishWord(tokens[i + 1]!.word);
    if (patientIs && tokens[i + 1]!.word.length > 2 && isNameShaped(capitalise(tokens[i + 1]!.word))) {
      const named = tokens[i + 1]!;
      out.push({ start: named.start, end: named.end, type: 'NAME' });
      i++;
      continue;
    }
    if (!(RELATIONS.has(cueWord) && !cue.possessive) && !namingPhrase) continue;
    const candidate = tokens[i + 1]!;
    if (TITLES.has(candidate.lower)) continue;
    const gap = text.slice(cue.end, candidate.start);
    if (!namingPhrase && !/^[\s,(:]{1,3}$/.test(gap)) continue;
    const inParens = gap.includes('(') && text[candidate.end] === ')';
    const cuedStrongly = inParens || SPEECH_AFTER.test(text.slice(candidate.end, candidate.end + 14)) || namingPhrase;
    if (cueWord === 'pt' || cueWord === 'patient') {
      const initials =
        /^\p{Lu}{2,3}$/u.test(candidate.word) && !NOT_PATIENT_INITIALS.has(candidate.word) && /^\s*[,(:)]/.test(text.slice(candidate.end, candidate.end + 3));
      if (initials) {
        out.push({ start: candidate.start, end: candidate.end, type: 'NAME' });
        continue;
      }
    }
    const family = FAMILY_RELATIONS.has(cueWord) && /^\s+$|\($/.test(gap.trim() === '' ? ' ' : gap.trim());
    if (!isCuedName(candidate, true)) {
      const capitalisedAfterFamily = family && candidate.capitalised && !candidate.acronym && !lexicons().regions.has(candidate.word) && !MONTHS.has(candidate.word);
      // "his brother tunde is …": a lower-case word that is no English word, right before a verb.
      const unknownLowerCase = family && !candidate.capitalised && cuedStrongly && !isEnglishWord(candidate.word) && candidate.word.length > 2;
      if (!capitalisedAfterFamily && !unknownLowerCase) continue;
    }
    if (candidate.capitalised && isEnglishWord(candidate.word) && !lexicons().firstNames.has(candidate.word) && !family) continue;
    if (!candidate.capitalised && isEnglishWord(candidate.word) && !cuedStrongly) continue;
    if (followsEponymNoun(text, candidate) && !candidate.possessive) continue;
    const { end, last } = extendName(text, tokens, i + 1, 3);
    out.push({ start: candidate.start, end, type: 'NAME' });
    i = last;
    // "Ivy and Iris", "Chukwuemeka and sister Blessing"
    const and = tokens[i + 1];
    const partner = tokens[i + 2];
    if (and?.word === 'and' && partner?.capitalised && !partner.acronym && adjacent(text, tokens[i]!, and) && adjacent(text, and, partner) && isCuedName(partner, false)) {
      const more = extendName(text, tokens, i + 2, 3);
      out.push({ start: partner.start, end: more.end, type: 'NAME' });
      i = more.last;
    }
  }
}

function fullNames(text: string, tokens: Token[], out: Candidate[]): void {
  const lex = lexicons();
  for (let i = 0; i + 1 < tokens.length; i++) {
    const first = tokens[i]!;
    if (!first.capitalised || first.acronym || first.possessive || !lex.firstNames.has(first.word) || MONTHS.has(first.word)) continue;
    // "Son Ibrahim", "Dr Patel": the relation or title is not part of the name.
    if (RELATIONS.has(first.lower) || TITLES.has(first.lower)) continue;
    const second = tokens[i + 1]!;
    const initial = isInitial(text, second) && adjacent(text, first, second);
    if (!initial) {
      if (!second.capitalised || second.acronym || !adjacent(text, first, second)) continue;
      if (NOT_A_PERSON.has(second.word) || lex.regions.has(second.word) || lex.regions.has(`${first.word} ${second.word}`) || MONTHS.has(second.word)) continue;
      if (!isNameShaped(second.word)) continue;
      const secondIsName = isUnambiguousName(second.word) || lex.personNames.has(second.word) || (!isEnglishWord(second.word) && second.word.length > 2);
      if (!secondIsName || /^(?:Hospital|Clinic|Street|Road|Avenue|County|Health|Medical|Centre|Center|University|School|Syndrome|Disease)$/.test(second.word)) continue;
      if (isEnglishWord(first.word) && isEnglishWord(second.word) && !lex.personNames.has(second.word)) continue;
    }
    // The surname is part of the name even when it is also an eponym ("John Smith").
    const extended = extendName(text, tokens, i + 1, 2);
    const end = initial ? second.end + 1 : extended.end;
    const last = initial ? i + 1 : extended.last;
    const phrase = text.slice(first.start, end);
    const before = tokens[i - 1];
    const withBefore = before && adjacent(text, before, first) ? `${before.word} ${first.word} ${second.word}` : '';
    if (lex.eponyms.has(phrase) || lex.eponyms.has(`${first.word} ${second.word}`) || lex.eponyms.has(withBefore) || followsEponymNoun(text, tokens[last]!)) continue;
    out.push({ start: first.start, end, type: 'NAME' });
    i = last;
  }
}

/** "Bongani Dlamini": unknown capitalised words right before a surname belong to the name. */
function startOfUnknownGivenNames(text: string, tokens: Token[], i: number): number {
  const lex = lexicons();
  let start = tokens[i]!.start;
  for (let j = i - 1; j >= 0 && j >= i - 2; j--) {
    const word = tokens[j]!;
    if (!word.capitalised || word.acronym || !adjacent(text, word, tokens[j + 1]!) || !isNameShaped(word.word)) break;
    if (isEnglishWord(word.word) || TITLES.has(word.lower) || RELATIONS.has(word.lower) || lex.regions.has(word.word) || lex.eponyms.has(word.word) || MONTHS.has(word.word)) break;
    start = word.start;
  }
  return start;
}

function loneNames(text: string, tokens: Token[], out: Candidate[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!token.capitalised || token.acronym) continue;
    const unambiguous = isUnambiguousName(token.word);
    // Without a lexicon hit, only a name-shaped given name or unknown word can be cued by context.
    if (!unambiguous && (!isNameShaped(token.word) || (isEnglishWord(token.word) && !lexicons().firstNames.has(token.word)))) continue;
    const ageSexAfter = AGE_SEX_AFTER.test(text.slice(token.end, token.end + 16));
    const ageSexBefore = AGE_SEX_BEFORE.test(text.slice(Math.max(0, token.start - 10), token.start));
    const lex = lexicons();
    const plausible =
      (lex.firstNames.has(token.word) || !isEnglishWord(token.word)) &&
      !lex.eponyms.has(token.word) &&
      !lex.regions.has(token.word) &&
      (!MONTHS.has(token.word) || ageSexAfter) &&
      isNameShaped(token.word) &&
      token.word.length > 2;
    // Only people say, want or insist: "Tamsin says she had SJS".
    const speaks = !isEnglishWord(token.word) && !token.word.includes('-') && PERSON_VERB_AFTER.test(text.slice(token.end, token.end + 14));
    const cuedByContext = (ageSexAfter || ageSexBefore || speaks) && plausible;
    if (!unambiguous && !cuedByContext) continue;
    if (followsEponymNoun(text, token)) continue;
    // "Parkinson-Wolff", "Glasgow-Blatchford": a hyphen to another capitalised word makes an eponym.
    if (/^-\p{Lu}/u.test(text.slice(token.end, token.end + 2))) continue;
    const previous = tokens[i - 1];
    if (previous && previous.capitalised && adjacent(text, previous, token) && lexicons().eponyms.has(`${previous.word} ${token.word}`)) continue;
    const next = tokens[i + 1];
    if (next && next.capitalised && adjacent(text, token, next) && lexicons().eponyms.has(`${token.word} ${next.word}`)) continue;
    if (!unambiguous && isSentenceStart(text, tokens, i) && !ageSexAfter) continue;
    out.push({ start: startOfUnknownGivenNames(text, tokens, i), end: token.end, type: 'NAME' });
  }
}

function dottedInitials(text: string, out: Candidate[]): void {
  DOTTED_INITIALS.lastIndex = 0;
  for (let m = DOTTED_INITIALS.exec(text); m; m = DOTTED_INITIALS.exec(text)) {
    if (NOT_INITIALS.has(m[0].replace(/\s/g, ''))) continue;
    out.push({ start: m.index, end: m.index + m[0].length, type: 'NAME' });
  }
}

export function findNames(text: string, tokens: Token[]): Candidate[] {
  const out: Candidate[] = [];
  titleNames(text, tokens, out);
  relationNames(text, tokens, out);
  fullNames(text, tokens, out);
  loneNames(text, tokens, out);
  dottedInitials(text, out);
  return out;
}
