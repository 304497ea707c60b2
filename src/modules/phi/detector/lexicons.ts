import { readFileSync } from 'node:fs';

// src/modules/phi/detector and dist/modules/phi/detector sit at the same depth below the package
// root, so one relative URL finds data/phi from both the TypeScript sources and the build.
const DATA_DIR = new URL('../../../../data/phi/', import.meta.url);

function readList(file: string): string[] {
  return readFileSync(new URL(file, DATA_DIR), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

export interface Lexicons {
  /** Given names, as written (capitalised). */
  firstNames: Set<string>;
  /** Given names and surnames, as written. */
  personNames: Set<string>;
  /** Lower-case English words: a name or place that is also a word needs context. */
  englishWords: Set<string>;
  /** Cities, towns, suburbs, counties and districts (one or more words). */
  places: Set<string>;
  /** States, provinces and countries: never PHI on their own. */
  regions: Set<string>;
  /** Eponyms and other proper nouns used as clinical terms (one or more words). */
  eponyms: Set<string>;
  /** Domains of literature and guideline sites. */
  referenceDomains: string[];
}

let cached: Lexicons | undefined;

/** Loads the word lists once, on first use (about 100 ms). */
export function lexicons(): Lexicons {
  cached ??= {
    firstNames: new Set(readList('first-names.txt')),
    personNames: new Set(readList('person-names.txt')),
    englishWords: new Set(readList('english-words.txt')),
    places: new Set(readList('places.txt')),
    regions: new Set(readList('regions.txt')),
    eponyms: new Set(readList('eponyms.txt')),
    referenceDomains: readList('reference-domains.txt'),
  };
  return cached;
}

export function isEnglishWord(word: string): boolean {
  return lexicons().englishWords.has(word.toLowerCase());
}
