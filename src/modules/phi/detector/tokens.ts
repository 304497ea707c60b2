/** A word of the text, with a possessive ending split off ("Okafor's" → word "Okafor"). */
export interface Token {
  start: number;
  /** End of the word, before any possessive. */
  end: number;
  word: string;
  possessive: boolean;
  capitalised: boolean;
  /** All capitals and at least two letters: an acronym such as TAVI or GRACE. */
  acronym: boolean;
}

const WORD = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*(?:-[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*)*(?:['’]s\b|s['’](?!\p{L})|['’](?!\p{L}))?/gu;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    let word = m[0];
    let possessive = false;
    const ending = /(?:['’]s|['’])$/.exec(word);
    if (ending && word.length > ending[0].length) {
      word = word.slice(0, -ending[0].length);
      possessive = true;
    }
    tokens.push({
      start: m.index,
      end: m.index + word.length,
      word,
      possessive,
      capitalised: /^\p{Lu}/u.test(word),
      acronym: word.length >= 2 && !/\p{Ll}/u.test(word),
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

export function isSentenceStart(text: string, tokens: Token[], i: number): boolean {
  if (i === 0) return true;
  const gap = gapBefore(text, tokens, i);
  return /[.!?:\n*>#|—–-]\s*["'“(]?\s*$/.test(gap) || /^\s*["“(]\s*$/.test(gap) && i === 0;
}
