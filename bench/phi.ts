// Throughput and latency of the PHI detector on one core. Run on purpose:
//   npx tsx bench/phi.ts
// Reads the development sets in ../shared/phi, so the text has the forum's mix of prose, lists,
// numbers and names.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { detectPhi } from '../src/modules/phi/detector.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(repoRoot, '../shared/phi');

function texts(file: string): string[] {
  return readFileSync(path.join(dataDir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

const docs = [...texts('asq-phi.jsonl'), ...texts('forum-dev.jsonl')];

// Lexicons load on first use; time that apart.
let t0 = performance.now();
detectPhi('warm-up: Mrs Smith from Leeds');
console.log(`first call (loads lexicons): ${(performance.now() - t0).toFixed(0)} ms`);
for (let i = 0; i < 3; i++) for (const d of docs) detectPhi(d);

// Throughput: the concatenated sets, repeated, scanned as posts.
const rounds = 10;
let bytes = 0;
const cpu0 = process.cpuUsage();
t0 = performance.now();
for (let r = 0; r < rounds; r++) {
  for (const d of docs) {
    detectPhi(d);
    bytes += Buffer.byteLength(d, 'utf8');
  }
}
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
// CPU time is reported too: on a busy machine wall-clock time also counts waiting for a core.
console.log(
  `throughput: ${(bytes / 1e6 / seconds).toFixed(2)} MB/s wall, ${(bytes / 1e6 / cpuSeconds).toFixed(2)} MB/s of CPU time (${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s)`,
);

// Latency: ~4 KB posts built from consecutive documents.
const posts: string[] = [];
let current = '';
for (let r = 0; r < 20; r++) {
  for (const d of docs) {
    current += `${d}\n\n`;
    if (current.length >= 4096) {
      posts.push(current.slice(0, 4096));
      current = '';
    }
  }
}
const wall: number[] = [];
const cpuTime: number[] = [];
for (const post of posts) {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  detectPhi(post);
  wall.push(performance.now() - start);
  const used = process.cpuUsage(cpuStart);
  cpuTime.push((used.user + used.system) / 1000);
}
function percentiles(label: string, values: number[]): void {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): string => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2);
  console.log(`4 KB posts (${label}): n=${sorted.length} p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`);
}
percentiles('wall clock', wall);
// Process CPU time also counts the collector's helper threads, so it can exceed wall time.
percentiles('process CPU time', cpuTime);
