import { readFileSync } from 'node:fs';
import { WordList } from './word-list.js';

// src/modules/phi/detector and dist/modules/phi/detector sit at the same depth below the package
// root, so one relative URL finds data/phi from both the TypeScript sources and the build.
const DATA_DIR = new URL('../../../../data/phi/', import.meta.url);

function readWordList(file: string): WordList {
  return WordList.parse(readFileSync(new URL(file, DATA_DIR), 'utf8'));
}

function readList(file: string): string[] {
  return readFileSync(new URL(file, DATA_DIR), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

export interface Lexicons {
  /** Given names, as written (capitalised). */
  firstNames: WordList;
  /** Given names and surnames, as written. */
  personNames: WordList;
  /** Lower-case English words: a name or place that is also a word needs context. */
  englishWords: WordList;
  /** Cities, towns, suburbs, counties and districts (one or more words). */
  places: WordList;
  /** States, provinces and countries: never PHI on their own. */
  regions: Set<string>;
  /** Eponyms and other proper nouns used as clinical terms (one or more words). */
  eponyms: Set<string>;
  /** Domains of literature and guideline sites. */
  referenceDomains: string[];
}

let cached: Lexicons | undefined;

/** Loads the word lists once, on first use. */
export function lexicons(): Lexicons {
  cached ??= {
    firstNames: readWordList('first-names.txt'),
    personNames: readWordList('person-names.txt'),
    englishWords: readWordList('english-words.txt'),
    places: readWordList('places.txt'),
    regions: new Set(readList('regions.txt')),
    eponyms: new Set(readList('eponyms.txt')),
    referenceDomains: readList('reference-domains.txt'),
  };
  return cached;
}

// Words recur across a post and across rules; remembering answers saves lower-casing each time.
const englishCache = new Map<string, boolean>();
const ENGLISH_CACHE_LIMIT = 50_000;

export function isEnglishWord(word: string): boolean {
  let answer = englishCache.get(word);
  if (answer === undefined) {
    answer = lexicons().englishWords.has(word.toLowerCase());
    if (englishCache.size >= ENGLISH_CACHE_LIMIT) englishCache.clear();
    englishCache.set(word, answer);
  }
  return answer;
}
