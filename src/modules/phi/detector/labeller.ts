import { readFileSync } from 'node:fs';
import type { Candidate, PhiType } from './finding.js';
import { isEnglishWord, lexicons } from './lexicons.js';
import { MONTH_WORDS, WEEKDAY_WORDS } from '../vocabulary/calendar.js';
import { NAME_TITLES, RELATION_WORDS } from '../vocabulary/people.js';
import { CLINICAL_NOUN, EPONYM_NOUN } from '../vocabulary/clinical.js';
import { PHRASE_BREAKERS } from '../vocabulary/notes.js';

/**
 * A token labeller: an averaged perceptron over token features that says, token by token, whether
 * a word is part of an identifier. It sees what the rules found (as a feature), the word lists,
 * the word's shape and its neighbours; casing is a feature only beside the casing of the whole
 * note, so an upper-case or lower-case note is read like any other.
 *
 * Weights are trained by scripts/train-phi-labeller.ts and shipped in data/phi/labeller.json. The
 * shipped vocabulary of word features holds only words that were never part of an identifier in
 * training, so no name, place or number of the training text is in the file.
 */
export interface LabelToken {
  start: number;
  end: number;
  text: string;
  lower: string;
}

// Words (with inner apostrophes), numbers with their separators (7/22, 10.3, 555-1234), or one
// other character. Each alternative consumes at least one character and never backtracks far.
const TOKEN = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*|\d+(?:[/.:-]\d+)*|[^\s\p{L}\p{M}\d]/gu;

export function labelTokens(text: string): LabelToken[] {
  const out: LabelToken[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    out.push({ start: m.index, end: m.index + m[0].length, text: m[0], lower: m[0].toLowerCase() });
  }
  return out;
}

function shape(word: string): string {
  let out = '';
  let last = '';
  for (let i = 0; i < word.length && out.length < 6; i++) {
    const ch = word[i]!;
    let c: string;
    if (ch >= '0' && ch <= '9') c = 'd';
    else if (ch !== ch.toLowerCase()) c = 'X';
    else if (ch !== ch.toUpperCase()) c = 'x';
    else c = ch;
    if (c !== last) out += c;
    last = c;
  }
  return out;
}

/** How the note is written: mostly upper case, mostly lower case, or mixed. */
export function noteCase(text: string): 'U' | 'L' | 'M' {
  let upper = 0;
  let lower = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 65 && code <= 90) upper++;
    else if (code >= 97 && code <= 122) lower++;
  }
  const letters = upper + lower;
  if (letters === 0) return 'M';
  if (upper / letters > 0.75) return 'U';
  // Lower-case notes still capitalise a few sentence starts and acronyms.
  if (upper / letters < 0.04) return 'L';
  return 'M';
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

const TITLE_WORDS = new Set([...NAME_TITLES, 'rn', 'rrt', 'md', 'np', 'pa', 'msw', 'lpn', 'pt', 'ot', 'slp', 'cm', 'sw']);

function lexiconFlags(token: LabelToken): string {
  if (!/\p{L}/u.test(token.text[0]!)) return '';
  const lex = lexicons();
  const cap = capitalise(token.text);
  let flags = '';
  if (lex.firstNames.has(cap)) flags += 'f';
  if (lex.personNames.has(cap)) flags += 'p';
  if (isEnglishWord(token.lower)) flags += 'e';
  if (lex.places.has(cap)) flags += 'l';
  if (lex.regions.has(cap)) flags += 'r';
  if (lex.eponyms.has(cap) || lex.eponyms.has(token.text)) flags += 'y';
  if (MONTH_WORDS.has(token.lower)) flags += 'm';
  if (WEEKDAY_WORDS.has(token.lower)) flags += 'w';
  if (TITLE_WORDS.has(token.lower)) flags += 't';
  if (RELATION_WORDS.has(token.lower)) flags += 'k';
  return flags;
}

function numberClass(word: string): string {
  const pair = /^(\d{1,2})\/(\d{1,2})$/.exec(word);
  if (pair) {
    const a = Number(pair[1]);
    const b = Number(pair[2]);
    const dayMonth = a >= 1 && a <= 12 && b >= 1 && b <= 31;
    return dayMonth ? (b === 7 || b === 12 || b === 52 || b === 24 || b <= 5 ? 'md?' : 'md') : 'nd';
  }
  if (/^\d{1,2}\/\d{1,2}\/\d{2,4}$/.test(word)) return 'mdy';
  if (/^\d+$/.test(word)) return `n${Math.min(word.length, 6)}`;
  return '';
}

interface TokenInfo {
  word: string;
  shape: string;
  flags: string;
  rule: string;
}

/** Whether the labeller weighs a token: words and numbers, not punctuation. */
export function isLabelled(t: LabelToken): boolean {
  const c = t.text.charCodeAt(0);
  return t.text.length > 1 || (c >= 48 && c <= 57) || /\p{L}/u.test(t.text);
}

/**
 * The features of every token, in order (punctuation gets none: it is context only).
 * `vocabulary` holds the words that may be features.
 */
export function tokenFeatures(text: string, tokens: LabelToken[], ruleTypes: string[], vocabulary: (word: string) => boolean): string[][] {
  const casing = noteCase(text);
  const info: TokenInfo[] = tokens.map((t, i) =>
    isLabelled(t)
      ? { word: vocabulary(t.lower) ? t.lower : '?', shape: shape(t.text), flags: lexiconFlags(t), rule: ruleTypes[i] ?? '-' }
      : { word: t.text, shape: t.text, flags: '', rule: ruleTypes[i] ?? '-' },
  );
  const blank: TokenInfo = { word: '<s>', shape: '<s>', flags: '', rule: '-' };
  const out: string[][] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const me = info[i]!;
    if (!isLabelled(t)) {
      out.push([]);
      continue;
    }
    const p1 = info[i - 1] ?? blank;
    const p2 = info[i - 2] ?? blank;
    const n1 = info[i + 1] ?? blank;
    const n2 = info[i + 2] ?? blank;
    const lineStart = i === 0 || text.slice(tokens[i - 1]!.end, t.start).includes('\n');
    const f = [
      'b',
      `w=${me.word}`,
      `s=${me.shape}`,
      `cs=${casing}${me.shape}`,
      `L=${me.flags}`,
      `Lc=${casing}${me.flags}`,
      `r=${me.rule}`,
      `rL=${me.rule}${me.flags}`,
      `len=${Math.min(t.text.length, 8)}`,
      `num=${numberClass(t.text)}`,
      `p1w=${p1.word}`,
      `p1s=${p1.shape}`,
      `p1L=${p1.flags}`,
      `p1r=${p1.rule}`,
      `p2w=${p2.word}`,
      `n1w=${n1.word}`,
      `n1s=${n1.shape}`,
      `n1L=${n1.flags}`,
      `n1r=${n1.rule}`,
      `n2w=${n2.word}`,
      `p1w|w=${p1.word}|${me.word}`,
      `w|n1w=${me.word}|${n1.word}`,
      `p1w|L=${p1.word}|${me.flags}`,
      `L|n1w=${me.flags}|${n1.word}`,
      `p2w|p1w=${p2.word}|${p1.word}`,
      `bol=${lineStart ? 1 : 0}${me.shape}`,
    ];
    for (const flag of me.flags) f.push(`F=${flag}`);
    out.push(f);
  }
  return out;
}

export interface LabellerModel {
  weights: Map<string, number>;
  vocabulary: Set<string>;
  /** A rule's finding stands unless one of its tokens scores above this. */
  keepThreshold: number;
  /** A token no rule found is marked when it scores above this. */
  addThreshold: number;
}

const MODEL_FILE = new URL('../../../../data/phi/labeller.json', import.meta.url);
let model: LabellerModel | undefined;

export function loadLabeller(): LabellerModel {
  if (!model) {
    const raw = JSON.parse(readFileSync(MODEL_FILE, 'utf8')) as { keepThreshold: number; addThreshold: number; vocabulary: string[]; weights: Record<string, number> };
    model = {
      weights: new Map(Object.entries(raw.weights)),
      vocabulary: new Set(raw.vocabulary),
      keepThreshold: Number(process.env.PHI_KEEP ?? raw.keepThreshold),
      addThreshold: Number(process.env.PHI_ADD ?? raw.addThreshold),
    };
  }
  return model;
}

export function score(weights: Map<string, number>, features: string[]): number {
  let s = 0;
  for (const f of features) s += weights.get(f) ?? 0;
  return s;
}

/** For each token, the type of the rule candidate that covers it, or '-'. */
export function ruleTypesOf(tokens: LabelToken[], candidates: Candidate[]): string[] {
  const sorted = [...candidates].sort((a, b) => a.start - b.start);
  const out: string[] = [];
  let j = 0;
  for (const t of tokens) {
    while (j < sorted.length && sorted[j]!.end <= t.start) j++;
    let type = '-';
    for (let k = j; k < sorted.length && sorted[k]!.start < t.end; k++) {
      if (sorted[k]!.end > t.start) {
        type = sorted[k]!.type;
        break;
      }
    }
    out.push(type);
  }
  return out;
}

// Fractions of a week, month, year or day (3/7, 6/12, 2/52, 4/24) and visual acuity (6/6) read as
// dates in the shape of a note's m/d; without a rule behind them they are not taken as dates.
function isClinicalFraction(word: string): boolean {
  const m = /^(\d{1,2})\/(\d{1,2})$/.exec(word);
  if (!m) return false;
  const a = Number(m[1]);
  const b = Number(m[2]);
  return b === 7 || b === 12 || b === 52 || b === 24 || a === 6 || a === b;
}

/** Regions, eponyms, function words and terms before a clinical noun ("revised Atlanta
 * classification", "Geneva score") are left to the rules, which know their context. */
function mayBeAdded(text: string, tokens: LabelToken[], i: number): boolean {
  const t = tokens[i]!;
  if (PHRASE_BREAKERS.has(t.lower) || /^(?:id|no|mrn)$/.test(t.lower)) return false;
  const flags = lexiconFlags(t);
  if (flags.includes('r') || flags.includes('y')) return false;
  // Two-word eponyms: "Miller Fisher", "Mary Joseph".
  const eponyms = lexicons().eponyms;
  const before = tokens[i - 1];
  const after1 = tokens[i + 1];
  if (before && eponyms.has(`${before.text} ${t.text}`)) return false;
  if (after1 && eponyms.has(`${t.text} ${after1.text}`)) return false;
  const after = text.slice(t.end, t.end + 40);
  return !EPONYM_NOUN.test(after) && !CLINICAL_NOUN.test(after);
}

export interface Labelled {
  /** Spans of adjacent tokens above the add threshold, that no rule found. */
  added: Candidate[];
  /** Whether a rule's candidate holds a token above the keep threshold. */
  keeps: (c: Candidate) => boolean;
}

function firstTokenEndingAfter(tokens: LabelToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[mid]!.end <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Weighs the rules' candidates token by token and finds what they missed. */
export function label(text: string, candidates: Candidate[]): Labelled {
  const m = loadLabeller();
  const tokens = labelTokens(text);
  if (tokens.length === 0) return { added: [], keeps: () => false };
  const ruleTypes = ruleTypesOf(tokens, candidates);
  const features = tokenFeatures(text, tokens, ruleTypes, (w) => m.vocabulary.has(w));
  const scores = features.map((f) => (f.length ? score(m.weights, f) : -Infinity));
  const added: Candidate[] = [];
  let open: Candidate | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (ruleTypes[i] !== '-' || scores[i]! <= m.addThreshold || !/[\p{L}\d]/u.test(t.text) || isClinicalFraction(t.text)) continue;
    if (!mayBeAdded(text, tokens, i)) continue;
    const type: PhiType = /^\d/.test(t.text) ? 'DATE' : 'NAME';
    if (open && /^[ \t]*$/.test(text.slice(open.end, t.start))) open.end = t.end;
    else {
      open = { start: t.start, end: t.end, type };
      added.push(open);
    }
  }
  // In mixed-case text the rules read capitals as they are meant, and stand unless every word of
  // theirs is one the labeller knows as ordinary note language ("Cont", "Abd", "Neo").
  const mixedCase = noteCase(text) === 'M';
  const keeps = (c: Candidate): boolean => {
    for (let i = firstTokenEndingAfter(tokens, c.start); i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.start >= c.end) break;
      if (t.end <= c.start) continue;
      if (scores[i]! > m.keepThreshold) return true;
      if (mixedCase && /^\p{L}/u.test(t.text) && !m.vocabulary.has(t.lower)) return true;
    }
    return false;
  };
  return { added, keeps };
}
