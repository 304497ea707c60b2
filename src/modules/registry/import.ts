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
  /** Connections merging in parallel, each owning a share of the numbers (default 2). */
  lanes?: number;
  now?: () => Date;
  onProgress?: (progress: ImportProgress) => void;
}

export class NppesFormatError extends Error {
  override name = 'NppesFormatError';
}

/**
 * Streams an NPPES provider file into npi_registry: columns found by header name, rows parsed
 * as they arrive, batches COPYed into a temp table and merged with one INSERT … ON CONFLICT.
 * Batches are merged on two connections while the next rows are parsed, so every core works.
 * Memory stays flat: each lane has at most one batch in flight and one filling. Idempotent: importing the same file twice changes nothing.
 */
export async function importNppesFile(pool: pg.Pool, file: string, options: ImportOptions = {}): Promise<ImportCounts> {
  const batchSize = options.batchSize ?? 25_000;
  const laneCount = Math.max(1, options.lanes ?? 2);
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
  const lanes: Lane[] = [];
  try {
    const reader = await readCsv(counted(), (header) => {
      const missing = NPPES_REQUIRED.filter((name) => !header.includes(name));
      if (missing.length) throw new NppesFormatError(`not an NPPES provider file: no column ${missing.map((m) => `"${m}"`).join(', ')}`);
      return NPPES_WANTED.map((name) => header.indexOf(name));
    });
    const width = reader.header.length;
    for (let i = 0; i < laneCount; i++) {
      const client = await pool.connect();
      lanes.push({ client, batch: new Map(), valid: 0, inFlight: undefined });
      if (i === 0) await lockImport(client);
      await createStagingTable(client);
    }

    const flush = async (client: pg.PoolClient, lines: Map<string, string>, valid: number) => {
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
    const dispatch = async (lane: Lane) => {
      await lane.inFlight;
      lane.inFlight = flush(lane.client, lane.batch, lane.valid);
      // A rejected flush is awaited (and thrown) at the lane's next batch or at the end.
      lane.inFlight.catch(() => {});
      lane.batch = new Map();
      lane.valid = 0;
    };

    for await (const records of reader.records) {
      for (const { fields, fieldCount } of records) {
        counts.rowsRead++;
        const record = fieldCount === width ? toRegistryRecord(fields) : null;
        if (!record) {
          counts.skipped++;
          continue;
        }
        if (isDeactivated(record)) counts.deactivated++;
        // Each number always goes to the same lane (by its check digit), so lanes never touch
        // the same row and a number repeated in the file keeps its last row.
        const lane = lanes[(record.npi.charCodeAt(9) - 48) % laneCount]!;
        lane.batch.set(record.npi, toCopyLine(record));
        lane.valid++;
        if (lane.batch.size >= batchSize) await dispatch(lane);
      }
      options.onProgress?.({ bytesRead, totalBytes, rowsRead: counts.rowsRead });
    }
    for (const lane of lanes) if (lane.batch.size) await dispatch(lane);
    for (const lane of lanes) await lane.inFlight;
    options.onProgress?.({ bytesRead: totalBytes, totalBytes, rowsRead: counts.rowsRead });
    return counts;
  } catch (error) {
    await Promise.allSettled(lanes.map((lane) => lane.inFlight ?? Promise.resolve()));
    if (error instanceof CsvFormatError) throw new NppesFormatError(`malformed CSV near row ${counts.rowsRead + 2}: ${error.message}`);
    throw error;
  } finally {
    input.destroy();
    // Destroyed, not returned: each connection holds a temp table and maybe a failed transaction.
    for (const lane of lanes) lane.client.release(true);
  }
}

/**
 * One connection merging its share of the numbers: while one lane's batch is merged, the other
 * lanes' batches are parsed or merged too, so PostgreSQL can use more than one core.
 */
interface Lane {
  client: pg.PoolClient;
  batch: Map<string, string>;
  valid: number;
  inFlight: Promise<void> | undefined;
}
