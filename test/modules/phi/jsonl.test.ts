import { PassThrough, Readable } from 'node:stream';
import t from 'tap';
import { JsonlInputError, scanJsonl } from '../../../src/modules/phi/jsonl.js';

async function run(input: string): Promise<{ lines: number; output: string }> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (c: Buffer) => chunks.push(c));
  const { lines } = await scanJsonl(Readable.from([input]), output);
  output.end();
  return { lines, output: Buffer.concat(chunks).toString('utf8') };
}

t.test('writes one line of spans per input line, in order', async (t) => {
  const input = [
    JSON.stringify({ id: 'a', text: 'Son Ibrahim rang from 07700 900123.' }),
    '',
    JSON.stringify({ id: 'b', text: 'CRP 40, WCC 12. Antibiotics?' }),
  ].join('\n');
  const { lines, output } = await run(`${input}\n`);
  t.equal(lines, 2);
  const rows = output.trim().split('\n').map((l) => JSON.parse(l) as { id: string; spans: { start: number; end: number; type: string }[] });
  t.same(rows.map((r) => r.id), ['a', 'b']);
  const text = 'Son Ibrahim rang from 07700 900123.';
  t.same(rows[0]!.spans.map((s) => text.slice(s.start, s.end)), ['Ibrahim', '07700 900123']);
  t.same(rows[0]!.spans.map((s) => Object.keys(s).sort()), [['end', 'start', 'type'], ['end', 'start', 'type']]);
  t.same(rows[1]!.spans, []);
});

t.test('a malformed line stops the scan with its line number', async (t) => {
  const input = `${JSON.stringify({ id: 'a', text: 'fine' })}\n{not json\n`;
  const error = await run(input).catch((e: unknown) => e);
  t.ok(error instanceof JsonlInputError, 'throws a JsonlInputError');
  t.equal((error as JsonlInputError).lineNumber, 2);
  t.match((error as Error).message, /^line 2: not valid JSON/);
  await t.rejects(run(`${JSON.stringify({ id: 'a' })}\n`), { name: 'JsonlInputError', message: /line 1: "text" must be a string/ });
  await t.rejects(run('[1,2]\n'), { name: 'JsonlInputError', lineNumber: 1 });
});
