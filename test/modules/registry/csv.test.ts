import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import t from 'tap';
import { CsvFormatError, readCsv } from '../../../src/modules/registry/csv.js';

/** A small deterministic PRNG so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

const PIECES = ['a', 'OKAFOR', ' ', ',', '"', '""', '\n', '\r\n', 'é', '漢', '🙂', '207R00000X', '', '\t', "O'BRIEN"];

function randomCsv(random: () => number, rows: number, columns: number): string {
  const lines: string[] = [];
  for (let r = 0; r <= rows; r++) {
    const fields: string[] = [];
    for (let c = 0; c < columns; c++) {
      const parts = Array.from({ length: Math.floor(random() * 4) }, () => PIECES[Math.floor(random() * PIECES.length)]!);
      const value = r === 0 ? `col ${c}` : parts.join('');
      const plain = !/[",\r\n]/.test(value) && random() < 0.3;
      fields.push(plain ? value : `"${value.replaceAll('"', '""')}"`);
    }
    lines.push(fields.join(','));
  }
  // One line ending per file, as csv-parse detects it from the first line.
  const eol = random() < 0.5 ? '\n' : '\r\n';
  return lines.join(eol) + (random() < 0.5 ? eol : '');
}

function chunked(text: string, random: () => number): Readable {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; ) {
    const size = 1 + Math.floor(random() * 40);
    chunks.push(bytes.subarray(i, i + size));
    i += size;
  }
  return Readable.from(chunks);
}

async function readAll(source: Readable, pick?: (header: string[]) => number[]) {
  const reader = await readCsv(source, pick ?? ((header) => header.map((_, i) => i)));
  const rows: string[][] = [];
  const fieldCounts: number[] = [];
  for await (const batch of reader.records) {
    for (const record of batch) {
      rows.push(record.fields);
      fieldCounts.push(record.fieldCount);
    }
  }
  return { header: reader.header, rows, fieldCounts };
}

t.test('reads what csv-parse reads, whatever the chunking', async (t) => {
  for (let seed = 1; seed <= 200; seed++) {
    const random = prng(seed);
    const text = randomCsv(random, 1 + Math.floor(random() * 12), 2 + Math.floor(random() * 6));
    const expected: string[][] = parse(text, { skip_empty_lines: true, relax_quotes: false });
    const { header, rows } = await readAll(chunked(text, random));
    t.same([header, ...rows], expected, `seed ${seed}`);
  }
});

t.test('with only the first columns wanted, the rest is skipped but still counted', async (t) => {
  for (let seed = 1; seed <= 200; seed++) {
    const random = prng(seed);
    const text = randomCsv(random, 1 + Math.floor(random() * 12), 2 + Math.floor(random() * 6));
    const expected: string[][] = parse(text, { skip_empty_lines: true });
    const { rows, fieldCounts } = await readAll(chunked(text, random), () => [1, 0]);
    t.same(rows, expected.slice(1).map((r) => [r[1], r[0]]), `seed ${seed}`);
    t.same(fieldCounts, expected.slice(1).map((r) => r.length), `seed ${seed} field counts`);
  }
});

t.test('columns are picked by header name, in the order asked', async (t) => {
  const text = '"B","A","C"\n"b1","a1","c1"\n"b2","a2","c2"\n';
  const { rows } = await readAll(Readable.from([Buffer.from(text)]), (header) => ['C', 'A', 'missing'].map((n) => header.indexOf(n)));
  t.same(rows, [
    ['c1', 'a1', ''],
    ['c2', 'a2', ''],
  ]);
});

t.test('malformed input is an error, not a silent skip', async (t) => {
  await t.rejects(readAll(Readable.from([Buffer.from('"A","B"\n"a","b\n')])), CsvFormatError, 'unterminated quote');
  await t.rejects(readAll(Readable.from([Buffer.from('"A","B"\n"a"x,"b"\n')])), CsvFormatError, 'text after a closing quote');
  await t.rejects(readAll(Readable.from([Buffer.from('')])), CsvFormatError, 'no header');
});

t.test('a byte-order mark before the header is ignored', async (t) => {
  const { header } = await readAll(Readable.from([Buffer.from('\ufeff"NPI","X"\n"1","2"\n')]));
  t.same(header, ['NPI', 'X']);
});
