import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { runCli } from '../../src/cli/index.js';
import { cliIo } from '../helpers/cli.js';


const input = [
  JSON.stringify({ id: 'a', text: 'Email me at jane.doe@example.com about it.' }),
  JSON.stringify({ id: 'b', text: 'Metoprolol 25 mg bd, HbA1c 7.2%.' }),
].join('\n');

t.test('phi scan reads JSONL from stdin and writes spans', async (t) => {
  const s = cliIo(input + '\n');
  t.equal(await runCli(['phi', 'scan'], s.streams), 0, s.err());
  const lines = s.out().trim().split('\n').map((l) => JSON.parse(l));
  t.equal(lines.length, 2);
  t.equal(lines[0].id, 'a');
  t.same(Object.keys(lines[0].spans[0]).sort(), ['end', 'start', 'type']);
  const span = lines[0].spans[0];
  t.equal(JSON.parse(input.split('\n')[0]!).text.slice(span.start, span.end), 'jane.doe@example.com');
  t.same(lines[1], { id: 'b', spans: [] });
});

t.test('phi scan reads a FILE and reports a bad line clearly', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'curbside-phi-'));
  const file = path.join(dir, 'in.jsonl');
  writeFileSync(file, input);
  const s = cliIo();
  t.equal(await runCli(['phi', 'scan', file], s.streams), 0);
  t.equal(s.out().trim().split('\n').length, 2);

  writeFileSync(file, input + '\n{"id": "c", "text": 5}\n');
  const bad = cliIo();
  t.equal(await runCli(['phi', 'scan', file], bad.streams), 1);
  t.match(bad.err(), /line 3/);

  const missing = cliIo();
  t.equal(await runCli(['phi', 'scan', path.join(dir, 'nope.jsonl')], missing.streams), 2);
  t.match(missing.err(), /cannot read/);
});
