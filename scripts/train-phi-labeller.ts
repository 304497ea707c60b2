// Trains the PHI token labeller (src/modules/phi/detector/labeller.ts) and writes
// data/phi/labeller.json.
//
//   npx tsx scripts/train-phi-labeller.ts [--all] [--out FILE]
//
// Training text: ../shared/phi/{asq-phi,forum-dev,physionet-dev}.jsonl. Nothing of the PhysioNet
// notes' text may ship (their README; GPL-2.0): the file stores only feature weights, and its
// vocabulary holds only words of the shippable sets (asq-phi, MIT; forum-dev, ours) or of our
// MIT English word list, so no token that exists only in the notes is written out. Without --all only the
// training half is used: even-numbered documents of the two forum-style sets and the notes of
// patients 1, 5, 9, … of the PhysioNet set (whole patients, so one patient's surrogate names never
// sit on both sides). The other half is what `bench/phi-heldout.ts` scores.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ruleCandidates } from '../src/modules/phi/detector.js';
import { labelTokens, ruleTypesOf, tokenFeatures } from '../src/modules/phi/detector/labeller.js';
import { isTrainingDocument } from '../bench/phi-split.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(root, '../shared/phi');
const args = process.argv.slice(2);
const all = args.includes('--all');
const outIndex = args.indexOf('--out');
const outFile = outIndex >= 0 ? args[outIndex + 1]! : path.join(root, 'data/phi/labeller.json');

interface Doc {
  id: string;
  text: string;
  phi: { start: number; end: number }[];
}

function load(file: string): Doc[] {
  return readFileSync(path.join(dataDir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Doc);
}

const sets = ['asq-phi.jsonl', 'forum-dev.jsonl', 'physionet-dev.jsonl'];
const shippable = new Set(['asq-phi.jsonl', 'forum-dev.jsonl']);
const docs = sets.flatMap((set) => load(set).map((doc) => ({ ...doc, shippable: shippable.has(set) }))).filter((d) => all || isTrainingDocument(d.id));

// Words that may be features: seen at least three times and never inside an identifier.
const seen = new Map<string, number>();
const insidePhi = new Set<string>();
// Words a shipped file may name: those of the shippable sets and of the English word list.
const englishWords = new Set(readFileSync(path.join(root, 'data/phi/english-words.txt'), 'utf8').split('\n').filter((w) => w && !w.startsWith('#')));
const shippableWords = new Set<string>(englishWords);
const prepared = docs.map((doc) => {
  const tokens = labelTokens(doc.text);
  const labels = tokens.map((t) => doc.phi.some((g) => g.start < t.end && t.start < g.end));
  tokens.forEach((t, i) => {
    if (doc.shippable) shippableWords.add(t.lower);
    if (labels[i]) insidePhi.add(t.lower);
    else seen.set(t.lower, (seen.get(t.lower) ?? 0) + 1);
  });
  return { doc, tokens, labels };
});
const vocabulary = new Set([...seen].filter(([w, n]) => n >= 3 && !insidePhi.has(w) && shippableWords.has(w) && /^[\p{L}'’]+$/u.test(w)).map(([w]) => w));

const examples: { features: string[]; label: number }[] = [];
for (const { doc, tokens, labels } of prepared) {
  const rules = ruleCandidates(doc.text);
  const features = tokenFeatures(doc.text, tokens, ruleTypesOf(tokens, rules), (w) => vocabulary.has(w));
  features.forEach((f, i) => {
    if (f.length > 0) examples.push({ features: f, label: labels[i] ? 1 : -1 });
  });
}

// Averaged perceptron (Collins 2002), with the lazy-average trick: `total` accumulates each
// update times the step it happened at, and the average is w - total / steps.
const w = new Map<string, number>();
const total = new Map<string, number>();
let step = 1;
const EPOCHS = 12;
// A fixed shuffle, so a rebuild gives the same file.
let seed = 12345;
function random(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  for (let i = examples.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [examples[i], examples[j]] = [examples[j]!, examples[i]!];
  }
  let mistakes = 0;
  for (const ex of examples) {
    let s = 0;
    for (const f of ex.features) s += w.get(f) ?? 0;
    // A miss of an identifier costs more than a false alarm: margin on the positive side.
    const margin = ex.label > 0 ? 1 : 0;
    if (ex.label * s <= margin) {
      mistakes++;
      const delta = ex.label > 0 ? 1.5 : 1;
      for (const f of ex.features) {
        w.set(f, (w.get(f) ?? 0) + ex.label * delta);
        total.set(f, (total.get(f) ?? 0) + ex.label * delta * step);
      }
    }
    step++;
  }
  console.error(`epoch ${epoch + 1}: ${mistakes} mistakes of ${examples.length}`);
}
const weights: Record<string, number> = {};
for (const [f, value] of w) {
  const averaged = value - (total.get(f) ?? 0) / step;
  if (Math.abs(averaged) >= 0.005) weights[f] = Math.round(averaged * 1000) / 1000;
}
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const keepThreshold = option('--keep', -1);
const addThreshold = option('--add', 0.5);
writeFileSync(
  outFile,
  `${JSON.stringify({
    about: 'Averaged-perceptron weights of the PHI token labeller; built by scripts/train-phi-labeller.ts. See data/phi/README.md.',
    trainedOn: `${all ? 'all' : 'the training half'} of ${sets.join(', ')}`,
    keepThreshold,
    addThreshold,
    vocabulary: [...vocabulary].sort(),
    weights,
  })}\n`,
);
console.error(`${docs.length} documents, ${examples.length} tokens, ${vocabulary.size} vocabulary words, ${Object.keys(weights).length} weights → ${outFile}`);
