import { performance } from 'node:perf_hooks';
import t from 'tap';
import { detectPhi } from '../../../src/modules/phi/detector.js';

// Every pattern of the detector must run in time linear in its input: a post is attacker-chosen
// text. For each input family this times the scan of n and of 4n characters (the best of several
// runs, so a collector pause or a busy neighbour does not decide) and fails when the ratio is
// nearer the 16 of a quadratic pattern than the 4 of a linear one. No absolute timings.
const N = 5_000;
// About sixty families, each timed on 5,000 and 20,000 characters: longer than tap's default.
t.setTimeout(900_000);
// 12, not 9: punctuation runs allocate a token per character, and collector work makes them grow
// about as n^1.4 on a busy machine (ratio 7-8 measured quiet); a quadratic pattern still gives 16.
const RATIO_LIMIT = 12;

function repeatTo(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const PIECES = ['Dr ', 'Mr. ', 'A. ', ' of', ' ', '\n', '-', '—', '–', '.', ',', '/', ':', '#', '@', '1', '23', '555', 'Smith', 'smith', 'SMITH', 'Jane', 'May', 'St', 'Hospital', 'in ', 'at ', "'", '’', '(', ')', 'x', 'MRN', 'http://', 'www.', '_', '&#', ';', '*', '[', '](', '!'];

function randomMix(seed: number, length: number): string {
  const random = seeded(seed);
  let out = '';
  while (out.length < length) out += PIECES[Math.floor(random() * PIECES.length)];
  return out.slice(0, length);
}

const PUNCTUATION = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];
const families: [string, (n: number) => string][] = [
  ['spaces', (n) => ' '.repeat(n)],
  ['newlines', (n) => '\n'.repeat(n)],
  ['newlines then a capitalised word', (n) => `${'\n'.repeat(n - 5)}Smith`],
  ['digits', (n) => '7'.repeat(n)],
  ['digits and spaces', (n) => repeatTo('12 ', n)],
  ['capitals', (n) => 'A'.repeat(n)],
  ['capitalised words', (n) => repeatTo('Smith ', n)],
  ['lower-case letters', (n) => 'a'.repeat(n)],
  ['dashes', (n) => repeatTo('-–—', n)],
  ['"Dr " repeated', (n) => repeatTo('Dr ', n)],
  ['" of" repeated', (n) => repeatTo(' of', n)],
  ['"A. " repeated', (n) => repeatTo('A. ', n)],
  ['"Mr. Jane " repeated', (n) => repeatTo('Mr. Jane ', n)],
  ['dotted initials', (n) => repeatTo('A.B.', n)],
  ['digit groups', (n) => repeatTo('123-', n)],
  ['slashes and digits', (n) => repeatTo('1/2/', n)],
  ['e-mail-like', (n) => repeatTo('a.b@', n)],
  ['link-like', (n) => `http://${repeatTo('a.', n - 7)}`],
  ['entity-like', (n) => repeatTo('&#1', n)],
  ['markdown brackets', (n) => repeatTo('[a](', n)],
  ...PUNCTUATION.map((p): [string, (n: number) => string] => [`"${p}" repeated`, (n) => p.repeat(n)]),
  ...[1, 2, 3, 4, 5].map((seed): [string, (n: number) => string] => [`random mix ${seed}`, (n) => randomMix(seed, n)]),
];

function bestTime(text: string, runs: number): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    detectPhi(text);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

// Load word lists and the labeller first, so the first timing is not a cold start.
detectPhi('Warm up: Dr Jane Smith, MRN 12345678, seen 3/14/2024.');

for (const [name, make] of families) {
  t.test(`linear time: ${name}`, async (t) => {
    const small = make(N);
    const large = make(4 * N);
    t.equal(large.length, 4 * N);
    let ratio = Infinity;
    // A noisy neighbour can slow one measurement; three tries before calling it superlinear.
    for (let attempt = 0; attempt < 3 && ratio > RATIO_LIMIT; attempt++) {
      const a = Math.max(bestTime(small, 5), 0.05);
      const b = bestTime(large, 5);
      ratio = b / a;
    }
    t.ok(ratio <= RATIO_LIMIT, `time(4n)/time(n) = ${ratio.toFixed(2)} <= ${RATIO_LIMIT}`);
  });
}
