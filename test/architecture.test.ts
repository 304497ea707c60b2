import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

/** The shape STYLE.md promises, checked over the source tree itself (no build, no network). */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g;

/** Relative runtime imports of a file (type-only imports vanish at build time), resolved to source paths (`./x.js` is `./x.ts`). */
function importsOf(file: string, text: string): string[] {
  return [...text.matchAll(IMPORT)].map((m) => path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')));
}

const files = sourceFiles(src);
const graph = new Map(files.map((file) => [file, importsOf(file, readFileSync(file, 'utf8'))]));
const rel = (file: string) => path.relative(root, file);

t.test('no import cycle under src/', async (t) => {
  const done = new Set<string>();
  const onPath: string[] = [];
  const cycles: string[] = [];
  const visit = (file: string) => {
    const at = onPath.indexOf(file);
    if (at >= 0) {
      cycles.push([...onPath.slice(at), file].map(rel).join(' -> '));
      return;
    }
    if (done.has(file) || !graph.has(file)) return;
    onPath.push(file);
    for (const next of graph.get(file)!) visit(next);
    onPath.pop();
    done.add(file);
  };
  for (const file of files) visit(file);
  t.same(cycles, [], 'every import chain ends');
  t.ok(graph.size > 50, 'the graph was read');
});

t.test("a module calls another module's service, never its repo", async (t) => {
  const moduleOf = (file: string) => /src\/modules\/([^/]+)\//.exec(file)?.[1];
  const crossings: string[] = [];
  for (const [file, imports] of graph) {
    for (const target of imports) {
      const owner = moduleOf(target);
      if (owner && owner !== moduleOf(file) && /\/repo\.ts$|-repo\.ts$/.test(target)) crossings.push(`${rel(file)} -> ${rel(target)}`);
    }
  }
  t.same(crossings, []);
});

t.test('no file under src/ passes 350 lines', async (t) => {
  const long = files.filter((file) => readFileSync(file, 'utf8').split('\n').length > 350).map(rel);
  t.same(long, []);
});
