/**
 * A large sorted word list kept as one string with line offsets. Lookups binary-search it. Held
 * this way, a few hundred thousand words are two objects for the garbage collector to trace
 * instead of a few hundred thousand, which keeps long collector pauses out of request latency.
 */
const RECENT_LIMIT = 20_000;

export class WordList {
  private constructor(
    private readonly text: string,
    /** Start of each entry, plus one past the end of the last. */
    private readonly starts: Uint32Array,
  ) {}

  /** `content`: one entry a line, in code-unit order, after any `#` comment lines. */
  static parse(content: string): WordList {
    let offset = 0;
    while (content.startsWith('#', offset)) offset = content.indexOf('\n', offset) + 1;
    const body = content.slice(offset).replace(/\n+$/, '');
    const starts: number[] = [0];
    for (let i = body.indexOf('\n'); i >= 0; i = body.indexOf('\n', i + 1)) starts.push(i + 1);
    starts.push(body.length + 1);
    return new WordList(body, Uint32Array.from(starts));
  }

  get size(): number {
    return this.starts.length - 1;
  }

  // Posts repeat their words, and the rules ask about the same word more than once.
  private readonly recent = new Map<string, boolean>();

  has(word: string): boolean {
    let answer = this.recent.get(word);
    if (answer === undefined) {
      const i = this.lowerBound(word);
      answer = i < this.size && this.compareEntry(i, word) === 0;
      if (this.recent.size >= RECENT_LIMIT) this.recent.clear();
      this.recent.set(word, answer);
    }
    return answer;
  }

  /** Whether some entry starts with `prefix` (and is longer than it). */
  hasLongerEntryStartingWith(prefix: string): boolean {
    const i = this.lowerBound(prefix);
    for (let j = i; j < this.size; j++) {
      const start = this.starts[j]!;
      const length = this.starts[j + 1]! - 1 - start;
      if (!this.text.startsWith(prefix, start)) return false;
      if (length > prefix.length) return true;
    }
    return false;
  }

  private lowerBound(word: string): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compareEntry(mid, word) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Compares entry i with `word` in code-unit order, without copying the entry. */
  private compareEntry(i: number, word: string): number {
    const start = this.starts[i]!;
    const length = this.starts[i + 1]! - 1 - start;
    const n = Math.min(length, word.length);
    for (let k = 0; k < n; k++) {
      const diff = this.text.charCodeAt(start + k) - word.charCodeAt(k);
      if (diff !== 0) return diff;
    }
    return length - word.length;
  }
}
