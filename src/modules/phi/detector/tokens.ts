/** A word of the text, with a possessive ending split off ("Okafor's" → word "Okafor"). */
export interface Token {
  start: number;
  /** End of the word, before any possessive. */
  end: number;
  word: string;
  /** The word in lower case, for case-blind lookups. */
  lower: string;
  possessive: boolean;
  capitalised: boolean;
  /** All capitals and at least two letters: an acronym such as TAVI or GRACE. */
  acronym: boolean;
}

const WORD = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*(?:-[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*)*(?:['’]s\b|s['’](?!\p{L})|['’](?!\p{L}))?/gu;

function isApostrophe(code: number): boolean {
  return code === 39 || code === 0x2019;
}

function isUpperCaseLetter(ch: string): boolean {
  return ch !== ch.toLowerCase() && ch === ch.toUpperCase();
}

function hasLowerCaseLetter(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const ch = word[i]!;
    if (ch !== ch.toUpperCase()) return true;
  }
  return false;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    let word = m[0];
    let possessive = false;
    // Split off "'s" or a bare trailing apostrophe (Okafor's, Colles').
    const n = word.length;
    if (n > 2 && isApostrophe(word.charCodeAt(n - 2)) && (word[n - 1] === 's' || word[n - 1] === 'S')) {
      word = word.slice(0, -2);
      possessive = true;
    } else if (n > 1 && isApostrophe(word.charCodeAt(n - 1))) {
      word = word.slice(0, -1);
      possessive = true;
    }
    const capitalised = isUpperCaseLetter(word[0]!);
    tokens.push({
      start: m.index,
      end: m.index + word.length,
      word,
      lower: word.toLowerCase(),
      possessive,
      capitalised,
      acronym: capitalised && word.length >= 2 && !hasLowerCaseLetter(word),
    });
  }
  return tokens;
}

/** True when only spaces (no line break or punctuation) separate the two tokens. */
export function adjacent(text: string, left: Token, right: Token): boolean {
  if (left.possessive) return false;
  return /^[ \t]+$/.test(text.slice(left.end, right.start));
}

/** Text between the previous token (or line start) and this one, e.g. "(" or ", ". */
export function gapBefore(text: string, tokens: Token[], i: number): string {
  const previous = tokens[i - 1];
  return text.slice(previous ? previous.end : 0, tokens[i]!.start);
}

/** First word of a sentence, line, list item or quote, where any word is capitalised. */
export function isSentenceStart(text: string, tokens: Token[], i: number): boolean {
  if (i === 0) return true;
  return /[.!?:\n*>#|—–-]\s*["'“(]?\s*$/.test(gapBefore(text, tokens, i));
}
