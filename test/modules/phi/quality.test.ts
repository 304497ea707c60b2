import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { detectPhi } from '../../../src/modules/phi/detector.js';

// Computes the metrics of shared/phi/score.mjs (span recall, leaked spans, character precision and
// recall without whitespace, PHI-free documents flagged) and holds the detector to its targets.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = path.resolve(repoRoot, '../shared/phi');

interface Span {
  start: number;
  end: number;
}
interface GoldDoc {
  id: string;
  text: string;
  phi: Span[];
}

function loadGold(file: string): GoldDoc[] {
  return readFileSync(path.join(dataDir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as GoldDoc);
}

function score(docs: GoldDoc[]) {
  let goldSpans = 0;
  let found = 0;
  let leaked = 0;
  let tp = 0;
  let predChars = 0;
  let goldChars = 0;
  let phiFree = 0;
  let flagged = 0;
  for (const doc of docs) {
    const pred = detectPhi(doc.text);
    const predicted = new Set<number>();
    for (const p of pred) for (let i = p.start; i < p.end; i++) if (!/\s/.test(doc.text[i]!)) predicted.add(i);
    const gold = new Set<number>();
    for (const g of doc.phi) {
      goldSpans++;
      if (pred.some((p) => p.start < g.end && g.start < p.end)) found++;
      let leaks = false;
      for (let i = g.start; i < g.end; i++) {
        if (/\s/.test(doc.text[i]!)) continue;
        gold.add(i);
        if (!predicted.has(i)) leaks = true;
      }
      if (leaks) leaked++;
    }
    for (const i of predicted) if (gold.has(i)) tp++;
    predChars += predicted.size;
    goldChars += gold.size;
    if (doc.phi.length === 0) {
      phiFree++;
      if (pred.length > 0) flagged++;
    }
  }
  return {
    spanRecall: found / goldSpans,
    leakedRate: leaked / goldSpans,
    charPrecision: tp / predChars,
    charRecall: tp / goldChars,
    phiFreeFlagged: flagged / phiFree,
  };
}

t.test('asq-phi.jsonl meets the issue targets', async (t) => {
  const m = score(loadGold('asq-phi.jsonl'));
  t.comment(JSON.stringify(m));
  t.ok(m.spanRecall >= 0.95, `span recall ${m.spanRecall} >= 0.95`);
  t.ok(m.leakedRate <= 0.05, `leaked ${m.leakedRate} <= 0.05`);
  t.ok(m.phiFreeFlagged <= 0.2, `PHI-free flagged ${m.phiFreeFlagged} <= 0.20`);
  t.ok(m.charPrecision >= 0.6, `char precision ${m.charPrecision} >= 0.6`);
});

t.test('forum-dev.jsonl stays above its floors', async (t) => {
  const m = score(loadGold('forum-dev.jsonl'));
  t.comment(JSON.stringify(m));
  // Measured: span recall 0.984, leaked 0.023, flagged 0.0, char precision 0.971, char recall 0.971.
  t.ok(m.spanRecall >= 0.95, `span recall ${m.spanRecall} >= 0.95`);
  t.ok(m.leakedRate <= 0.05, `leaked ${m.leakedRate} <= 0.05`);
  t.ok(m.phiFreeFlagged <= 0.05, `PHI-free flagged ${m.phiFreeFlagged} <= 0.05`);
  t.ok(m.charPrecision >= 0.93, `char precision ${m.charPrecision} >= 0.93`);
  t.ok(m.charRecall >= 0.93, `char recall ${m.charRecall} >= 0.93`);
});
