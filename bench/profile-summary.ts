/**
 * Summarises V8 CPU profiles (`node --cpu-prof`) written by `BENCH_PROFILE=dir npm run bench:threads`:
 *
 *   npx tsx bench/profile-summary.ts dir [top=25]
 *
 * Prints self time by package (node_modules/<name>, our src/, node internals, garbage
 * collection, idle) and the functions with the most self time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [dir, topArg = '25'] = process.argv.slice(2);
if (!dir) throw new Error('usage: tsx bench/profile-summary.ts dir [top]');

function packageOf(url: string, name: string): string {
  if (name === '(garbage collector)' || name === '(idle)' || name === '(program)') return name;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.includes('/src/')) return 'curbside src/' + (/\/src\/([^/]+(?:\/[^/]+)?)/.exec(url)?.[1] ?? '');
  if (url.startsWith('node:') || url === '') return 'node internals';
  return url;
}

const byPackage = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id)!;
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const fn = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*node_modules\//, '').replace(/^.*\/src\//, 'src/')}:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  });
}
const busy = total - (byPackage.get('(idle)') ?? 0);
const show = (map: Map<string, number>, n: number) =>
  [...map]
    .filter(([k]) => k !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `| ${((us / busy) * 100).toFixed(1)} % | ${k} |`)
    .join('\n');
console.log(`busy ${(busy / 1e6).toFixed(1)} s of ${(total / 1e6).toFixed(1)} s sampled\n`);
console.log('| self time | package |\n|---:|---|\n' + show(byPackage, 20));
console.log('\n| self time | function |\n|---:|---|\n' + show(byFunction, Number(topArg)));
