/**
 * NPI import benchmark, run on purpose (not in the test suite):
 *
 *   npx tsx bench/npi-import.ts [ROWS]          (default 1,000,000)
 *
 * Writes an NPPES-format file of ROWS synthetic providers (330 columns, ~1.2 kB a row like the
 * real file), creates a scratch database on DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres), migrates it, imports the file twice (first
 * import, then an idempotent re-import), prints rows/s and peak RSS, and drops the database.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { importNppesFile, type ImportCounts } from '../src/modules/registry/import.js';
import { syntheticRecords, writeNppesFile } from '../test/helpers/nppes-fixture.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function timedImport(pool: pg.Pool, file: string): Promise<{ counts: ImportCounts; seconds: number; peakRss: number }> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  // RSS at each tenth of the file: flat memory means these stop growing early.
  const rssByTenth: number[] = [];
  const counts = await importNppesFile(pool, file, {
    onProgress: ({ bytesRead, totalBytes }) => {
      const tenth = Math.floor((10 * bytesRead) / totalBytes);
      if (tenth > rssByTenth.length && tenth <= 10) rssByTenth.push(Math.round(process.memoryUsage().rss / 1e6));
    },
  });
  console.log(`  RSS (MB) after each tenth of the file: ${rssByTenth.join(' ')}`);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  return { counts, seconds, peakRss: Math.max(peakRss, process.memoryUsage().rss) };
}

const dir = mkdtempSync(path.join(tmpdir(), 'curbside-bench-'));
const file = path.join(dir, 'npidata_pfile_bench.csv');
const dbName = `curbside_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
console.log(`RSS before anything: ${mb(process.memoryUsage().rss)}`);
try {
  // The machine may be shared: the load average says how much of it the figures had.
  console.log(`${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  let started = performance.now();
  await writeNppesFile(file, syntheticRecords(rows));
  const size = statSync(file).size;
  console.log(`generated ${rows.toLocaleString('en-US')} rows, ${mb(size)}, in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  await admin.query(`create database "${dbName}"`);
  const database = connectDatabase(withDatabaseName(serverUrl, dbName), { max: 3 });
  try {
    started = performance.now();
    await runMigrations(database.db);
    console.log(`scratch database ${dbName} migrated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    for (const label of ['first import', 're-import']) {
      const { counts, seconds, peakRss } = await timedImport(database.pool, file);
      const rate = Math.round(counts.rowsRead / seconds);
      console.log(
        `${label.padEnd(12)} ${counts.rowsRead.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s = ${rate.toLocaleString('en-US')} rows/s ` +
          `(${mb(size / seconds)}/s), peak RSS ${mb(peakRss)}, load average ${loadavg()[0]!.toFixed(1)}; ${JSON.stringify(counts)}`,
      );
    }
  } finally {
    await database.close();
  }
} finally {
  await admin.query(`drop database if exists "${dbName}" with (force)`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
}
