// Scores the detector on both halves of each development set with ../shared/phi/score.mjs:
//   npx tsx bench/phi-heldout.ts
// The labeller is trained on the "train" half only (scripts/train-phi-labeller.ts without --all),
// so the "held" column is text it never saw.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectPhi } from '../src/modules/phi/detector.js';
import { isTrainingDocument } from './phi-split.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(root, '../shared/phi');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'phi-heldout-'));
const sets = process.argv.slice(2).length ? process.argv.slice(2) : ['asq-phi', 'forum-dev', 'physionet-dev'];
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

console.log('| set | half | docs | span recall | leaked | PHI-free flagged | char precision |');
console.log('|---|---|---|---|---|---|---|');
for (const set of sets) {
  const lines = readFileSync(path.join(dataDir, `${set}.jsonl`), 'utf8').split('\n').filter((l) => l.trim());
  for (const half of ['train', 'held', 'all'] as const) {
    const chosen = lines.filter((l) => half === 'all' || isTrainingDocument((JSON.parse(l) as { id: string }).id) === (half === 'train'));
    const gold = path.join(tmp, `${set}-${half}-gold.jsonl`);
    const pred = path.join(tmp, `${set}-${half}-pred.jsonl`);
    writeFileSync(gold, chosen.join('\n') + '\n');
    writeFileSync(
      pred,
      chosen
        .map((l) => {
          const { id, text } = JSON.parse(l) as { id: string; text: string };
          return JSON.stringify({ id, spans: detectPhi(text).map(({ start, end, type }) => ({ start, end, type })) });
        })
        .join('\n') + '\n',
    );
    const m = JSON.parse(execFileSync('node', [path.join(dataDir, 'score.mjs'), '--gold', gold, '--pred', pred, '--json'], { encoding: 'utf8' })) as {
      docs: number;
      span_recall: number;
      leaked_spans: number;
      gold_spans: number;
      phi_free_flagged_rate: number | null;
      char_precision: number | null;
    };
    console.log(`| ${set} | ${half} | ${m.docs} | ${pct(m.span_recall)} | ${pct(m.leaked_spans / m.gold_spans)} | ${pct(m.phi_free_flagged_rate)} | ${pct(m.char_precision)} |`);
  }
}
