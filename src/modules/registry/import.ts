import { createReadStream, statSync } from 'node:fs';
import type pg from 'pg';
import { CsvFormatError, readCsv } from './csv.js';
import { copyIntoStaging, createStagingTable, lockImport, mergeStaging } from './import-repo.js';
import { NPPES_REQUIRED, NPPES_WANTED, toCopyLine, toRegistryRecord } from './nppes.js';
import { isDeactivated } from './service.js';

export interface ImportCounts {
  /** Data rows in the file. */
  rowsRead: number;
  inserted: number;
  updated: number;
  /** Valid rows that matched what the registry already held (a re-import is all unchanged). */
  unchanged: number;
  /** Rows whose number is deactivated (and not reactivated later). */
  deactivated: number;
  /** Rows with an invalid NPI or the wrong number of fields. */
  skipped: number;
}

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rowsRead: number;
}

export interface ImportOptions {
  batchSize?: number;
  now?: () => Date;
  onProgress?: (progress: ImportProgress) => void;
}

export class NppesFormatError extends Error {
  override name = 'NppesFormatError';
}

/**
 * Streams an NPPES provider file into npi_registry: columns found by header name, rows parsed
 * as they arrive, batches COPYed into a temp table and merged with one INSERT … ON CONFLICT.
 * While one batch is being merged the next is parsed, so both cores work. Memory stays flat:
 * at most one batch is parsed ahead. Idempotent: importing the same file twice changes nothing.
 */
export async function importNppesFile(pool: pg.Pool, file: string, options: ImportOptions = {}): Promise<ImportCounts> {
  const batchSize = options.batchSize ?? 25_000;
  const now = options.now ?? (() => new Date());
  const totalBytes = statSync(file).size;
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  let bytesRead = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of input) {
      bytesRead += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }

  const counts: ImportCounts = { rowsRead: 0, inserted: 0, updated: 0, unchanged: 0, deactivated: 0, skipped: 0 };
  const client = await pool.connect();
  let inFlight: Promise<void> | undefined;
  try {
    const reader = await readCsv(counted(), (header) => {
      const missing = NPPES_REQUIRED.filter((name) => !header.includes(name));
      if (missing.length) throw new NppesFormatError(`not an NPPES provider file: no column ${missing.map((m) => `"${m}"`).join(', ')}`);
      return NPPES_WANTED.map((name) => header.indexOf(name));
    });
    const width = reader.header.length;
    await lockImport(client);
    await createStagingTable(client);

    const flush = async (lines: Map<string, string>, valid: number) => {
      // An interrupted import is simply run again (it is idempotent), so a batch need not wait
      // for its commit to reach the disk. The staging table has no statistics: without the
      // join settings the planner may hash a batch against all 9 million registry rows
      // instead of probing the primary key.
      await client.query(
        'begin; set local synchronous_commit = off; set local enable_hashjoin = off; set local enable_mergejoin = off',
      );
      try {
        await copyIntoStaging(client, [...lines.values()].join(''));
        const merged = await mergeStaging(client, now());
        await client.query('commit');
        counts.inserted += merged.inserted;
        counts.updated += merged.updated;
        counts.unchanged += valid - merged.inserted - merged.updated;
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      }
    };

    // Keyed by NPI: a number repeated within a batch keeps its last row (one upsert per row).
    let batch = new Map<string, string>();
    let valid = 0;
    for await (const records of reader.records) {
      for (const { fields, fieldCount } of records) {
        counts.rowsRead++;
        const record = fieldCount === width ? toRegistryRecord(fields) : null;
        if (!record) {
          counts.skipped++;
          continue;
        }
        if (isDeactivated(record)) counts.deactivated++;
        batch.set(record.npi, toCopyLine(record));
        valid++;
        if (batch.size >= batchSize) {
          await inFlight;
          inFlight = flush(batch, valid);
          // A rejected flush is awaited (and thrown) at the next batch or at the end.
          inFlight.catch(() => {});
          batch = new Map();
          valid = 0;
        }
      }
      options.onProgress?.({ bytesRead, totalBytes, rowsRead: counts.rowsRead });
    }
    await inFlight;
    if (batch.size) await flush(batch, valid);
    options.onProgress?.({ bytesRead: totalBytes, totalBytes, rowsRead: counts.rowsRead });
    return counts;
  } catch (error) {
    await inFlight?.catch(() => {});
    if (error instanceof CsvFormatError) throw new NppesFormatError(`malformed CSV near row ${counts.rowsRead + 2}: ${error.message}`);
    throw error;
  } finally {
    input.destroy();
    // Destroyed, not returned: the connection holds the temp table and maybe a failed transaction.
    client.release(true);
  }
}
