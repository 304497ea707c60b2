import type { Candidate } from './finding.js';
import { isEnglishWord, lexicons } from './lexicons.js';
import type { LabelToken } from './labeller.js';
import { CREDENTIALS, PLACE_OF_CARE_WORDS, PHRASE_BREAKERS } from '../vocabulary/notes.js';
import { MONTH_WORDS, WEEKDAY_WORDS } from '../vocabulary/calendar.js';

/**
 * Case-blind rules for the way clinical notes name people and places: a title before a name
 * ("dr. przybylo", "DR LUTHERVILLE"), a sign-off before a credential ("Q. LANDER RRT",
 * "florencia cooke np"), and places of care ("sacred heart hospital", "LAUREL REGIONAL"). Upper-
 * and lower-case notes are common, so no rule here asks whether a word is capitalised.
 */

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

function isWord(t: LabelToken | undefined): t is LabelToken {
  return !!t && /^[\p{L}]/u.test(t.text);
}

function onlySpaces(text: string, a: LabelToken, b: LabelToken): boolean {
  return /^[ \t]*$/.test(text.slice(a.end, b.start));
}

function isNameWord(t: LabelToken): boolean {
  if (t.text.length < 2 || MONTH_WORDS.has(t.lower) || WEEKDAY_WORDS.has(t.lower) || CREDENTIALS.has(t.lower) || PHRASE_BREAKERS.has(t.lower)) return false;
  const lex = lexicons();
  const cap = capitalise(t.text);
  if (lex.regions.has(cap) || lex.eponyms.has(cap)) return false;
  return lex.personNames.has(cap) || !isEnglishWord(t.lower);
}

/** An initial: one letter followed by a full stop. */
function isInitial(text: string, t: LabelToken): boolean {
  return t.text.length === 1 && /\p{L}/u.test(t.text) && text[t.end] === '.';
}

const TITLE = new Set(['dr', 'drs', 'doctor']);

function titledNames(text: string, tokens: LabelToken[], out: Candidate[]): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (!TITLE.has(tokens[i]!.lower)) continue;
    let j = i + 1;
    if (tokens[j]!.text === '.') j++;
    const first = tokens[j];
    if (!isWord(first) || first.start - tokens[i]!.end > 2) continue;
    if (!isNameWord(first) && !isInitial(text, first)) continue;
    let end = first.end;
    let k = j + 1;
    // "Dr. Griffin and Swackhamer", "DRS JOSEPH AND ROBBINSON", "dr williams-nuzzo"
    while (k < tokens.length) {
      const t = tokens[k]!;
      if ((t.text === '-' || t.text === '.') && isWord(tokens[k + 1]) && tokens[k + 1]!.start === t.end && t.start === end) {
        if (t.text === '.' && !isInitial(text, tokens[k - 1]!)) break;
        end = tokens[k + 1]!.end;
        k += 2;
        continue;
      }
      if (isWord(t) && onlySpaces(text, tokens[k - 1]!, t) && isNameWord(t) && !isEnglishWord(t.lower)) {
        end = t.end;
        k++;
        continue;
      }
      if (t.lower === 'and' && isWord(tokens[k + 1]) && isNameWord(tokens[k + 1]!) && !isEnglishWord(tokens[k + 1]!.lower)) {
        end = tokens[k + 1]!.end;
        k += 2;
        continue;
      }
      break;
    }
    out.push({ start: first.start, end, type: 'NAME' });
    i = k - 1;
  }
}

function signOffs(text: string, tokens: LabelToken[], out: Candidate[]): void {
  for (let i = 1; i < tokens.length; i++) {
    const credential = tokens[i]!;
    if (!CREDENTIALS.has(credential.lower)) continue;
    // The credential ends the line or is followed by punctuation: a signature, not a sentence.
    const after = text.slice(credential.end, credential.end + 3);
    if (!/^(?:[ \t]*(?:\n|$|[.,;)])|\s*$)/.test(after) && !/^[ \t]+(?:into?|to|aware|at|here|called|notified)\b/i.test(text.slice(credential.end, credential.end + 12))) continue;
    let j = i - 1;
    if (tokens[j]!.text === ',') j--;
    let start = -1;
    let end = -1;
    let words = 0;
    while (j >= 0 && words < 4) {
      const t = tokens[j]!;
      if (t.text === '.' && j > 0 && isInitial(text, tokens[j - 1]!)) {
        j--;
        continue;
      }
      if (t.text === '-' && j > 0 && isWord(tokens[j - 1]!)) {
        j--;
        continue;
      }
      if (!isWord(t)) break;
      if (!(isInitial(text, t) || isNameWord(t))) break;
      // A line break ends the signature.
      if (end >= 0 && /\n/.test(text.slice(t.end, start))) break;
      if (end < 0) end = t.end;
      start = t.start;
      words++;
      j--;
    }
    if (words > 0 && start >= 0) out.push({ start, end, type: 'NAME' });
  }
}

function placesOfCare(text: string, tokens: LabelToken[], out: Candidate[]): void {
  for (let i = 1; i < tokens.length; i++) {
    const keyword = tokens[i]!;
    if (!PLACE_OF_CARE_WORDS.has(keyword.lower)) continue;
    let j = i - 1;
    let start = -1;
    let words = 0;
    while (j >= 0 && words < 3) {
      const t = tokens[j]!;
      if (!isWord(t) || !onlySpaces(text, t, tokens[j + 1]!)) break;
      if (PHRASE_BREAKERS.has(t.lower) || PLACE_OF_CARE_WORDS.has(t.lower) || CREDENTIALS.has(t.lower)) break;
      start = t.start;
      words++;
      j--;
    }
    if (start < 0) continue;
    // The name and its kind are highlighted together: "Union Hospital".
    out.push({ start, end: keyword.end, type: 'OTHER' });
  }
}

export function findNoteNames(text: string, tokens: LabelToken[]): Candidate[] {
  const out: Candidate[] = [];
  titledNames(text, tokens, out);
  signOffs(text, tokens, out);
  placesOfCare(text, tokens, out);
  return out;
}
