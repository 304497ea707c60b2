/**
 * Finds phrases that end in a keyword ("… Community Hospital", "… County") by searching for the
 * keyword first and then matching the words before it. A pattern that starts with "any
 * capitalised words" would be tried at every word of the text; this way the costly part runs
 * only where a keyword stands.
 */
export interface KeywordPhrase {
  start: number;
  /** Where the keyword starts. */
  keywordStart: number;
  /** End of the keyword. */
  end: number;
}

const LOOK_BACK = 96;

/**
 * `keyword` must be global; `before` must be anchored with `$` and match the words (and the
 * space) in front of the keyword. A keyword with nothing acceptable in front is skipped.
 */
export function phrasesEndingIn(text: string, keyword: RegExp, before: RegExp): KeywordPhrase[] {
  const out: KeywordPhrase[] = [];
  keyword.lastIndex = 0;
  for (let m = keyword.exec(text); m; m = keyword.exec(text)) {
    const from = Math.max(0, m.index - LOOK_BACK);
    const lead = before.exec(text.slice(from, m.index));
    if (lead) out.push({ start: from + lead.index, keywordStart: m.index, end: m.index + m[0].length });
  }
  return out;
}
