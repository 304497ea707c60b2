import { decodeHTML } from 'entities';

/**
 * What a reader sees of a submitted text, with a map back to it. Markdown and HTML rendering
 * decode character references (`J&#111;hn`), browsers draw full-width and compatibility forms as
 * ordinary letters (NFKC), zero-width and bidirectional controls are invisible, letters from
 * other scripts that look Latin read as Latin, emphasis inside a word (`J**o**hn`) and
 * backslash escapes (`03\/14`) disappear, and inline HTML tags are not shown. The scan runs over
 * this text; `starts[i]` and `ends[i]` give the submitted-text offsets that character i came from.
 * One pass, linear in the input.
 */
export interface Normalised {
  text: string;
  starts: number[];
  ends: number[];
}

// Zero-width characters, bidirectional controls, soft hyphen, word joiners, BOM.
function isInvisible(code: number): boolean {
  return (
    code === 0x00ad ||
    code === 0x034f ||
    code === 0x061c ||
    code === 0x180e ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2064) ||
    (code >= 0x2066 && code <= 0x206f) ||
    code === 0xfeff
  );
}

// Cyrillic and Greek letters drawn like Latin ones (Unicode confusables, the common part).
const HOMOGLYPHS: Record<string, string> = {
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', х: 'x', у: 'y', і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ӏ: 'l',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', У: 'Y', І: 'I', Ј: 'J', Ѕ: 'S',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  ο: 'o', ν: 'v', ι: 'i', κ: 'k', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
};

const REFERENCE = /&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});?/y;
const TAG = /<\/?[A-Za-z][^<>]{0,200}>|<!--[^]{0,2000}?-->/y;
const EMPHASIS_RUN = /[*_~`]{1,3}/y;
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

export function normaliseForScan(input: string): Normalised {
  const out: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const emit = (value: string, start: number, end: number): void => {
    for (const ch of value.normalize('NFKC')) {
      for (let k = 0; k < ch.length; k++) {
        const code = ch.charCodeAt(k);
        if (isInvisible(code)) continue;
        out.push(ch.length === 1 ? (HOMOGLYPHS[ch] ?? ch) : ch[k]!);
        starts.push(start);
        ends.push(end);
      }
    }
  };
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch === '&') {
      REFERENCE.lastIndex = i;
      const m = REFERENCE.exec(input);
      if (m) {
        const decoded = decodeHTML(m[0]);
        if (decoded !== m[0]) {
          emit(decoded, i, i + m[0].length);
          i += m[0].length;
          continue;
        }
      }
    } else if (ch === '<') {
      TAG.lastIndex = i;
      const m = TAG.exec(input);
      // An autolink (<https://…>, <a@b.org>) is shown, not a tag.
      if (m && !/:\/\/|@/.test(m[0])) {
        i += m[0].length;
        continue;
      }
    } else if (ch === '\\' && i + 1 < input.length && ASCII_PUNCTUATION.test(input[i + 1]!)) {
      emit(input[i + 1]!, i, i + 2);
      i += 2;
      continue;
    } else if (ch === '*' || ch === '_' || ch === '~' || ch === '`') {
      EMPHASIS_RUN.lastIndex = i;
      const m = EMPHASIS_RUN.exec(input)!;
      // Emphasis inside a word is drawn, not read: "J**o**hn" is "John".
      if (isWordChar(out[out.length - 1]) && isWordChar(input[i + m[0].length])) {
        i += m[0].length;
        continue;
      }
    }
    const code = input.codePointAt(i)!;
    const width = code > 0xffff ? 2 : 1;
    emit(input.slice(i, i + width), i, i + width);
    i += width;
  }
  return { text: out.join(''), starts, ends };
}

/** Maps a span of the normalised text back to the submitted text. */
export function toSubmitted(n: Normalised, start: number, end: number): { start: number; end: number } {
  return { start: n.starts[start]!, end: n.ends[end - 1]! };
}
