import { committedMigrations } from '../migrate.js';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { recordAudit, systemAuditContext } from '../../modules/audit/service.js';
import * as schema from '../schema/index.js';
import { migrationLevel, storedColumns, tablesInForeignKeyOrder } from './catalog.js';
import { BACKUP_FORMAT, BACKUP_VERSION, encodeFrame, encodeHeader, type BackupHeader } from './format.js';

export interface BackupProgress {
  /** Bytes of COPY data read so far for `table` (called as data streams). */
  reading?(table: string, bytes: number): void;
  tableDone?(table: string, rows: number, bytes: number): void;
}

export interface BackupSummary {
  tables: number;
  rows: number;
  bytes: number;
  migrations: BackupHeader['migrations'];
}

/**
 * Streams a consistent logical backup of the database at `url` (one repeatable-read snapshot)
 * into `output`, gzip'd, in the format of ./format.ts. Memory stays flat whatever the size.
 */
export async function writeBackup(url: string, output: Writable, progress: BackupProgress = {}): Promise<BackupSummary> {
  const client = new pg.Client({ connectionString: url, application_name: 'curbside-backup' });
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const tables = await tablesInForeignKeyOrder(client);
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt: new Date().toISOString(),
      server: (await client.query<{ server_version: string }>('show server_version')).rows[0]!.server_version,
      copyFormat: 'binary',
      migrations: await migrationLevel(client),
      tables,
    };
    const summary: BackupSummary = { tables: tables.length, rows: 0, bytes: 0, migrations: header.migrations };

    async function* frames(): AsyncGenerator<Buffer> {
      yield encodeHeader(header);
      for (const table of tables) {
        const columns = await storedColumns(client, table);
        yield encodeFrame('T', { table, columns });
        const list = columns.map((c) => client.escapeIdentifier(c)).join(', ');
        const copy = client.query(copyTo(`copy ${client.escapeIdentifier(table)} (${list}) to stdout (format binary)`));
        let bytes = 0;
        for await (const chunk of copy as AsyncIterable<Buffer>) {
          bytes += chunk.length;
          progress.reading?.(table, bytes);
          yield encodeFrame('D', chunk);
        }
        yield encodeFrame('E', { table, rows: copy.rowCount });
        summary.rows += copy.rowCount;
        summary.bytes += bytes;
        progress.tableDone?.(table, copy.rowCount, bytes);
      }
      yield encodeFrame('Z', { tables: tables.length, rows: summary.rows });
    }

    await pipeline(Readable.from(frames()), createGzip(), output);
    await client.query('commit');
    // Who took the data out, and how much, is worth keeping — in the audit log as this code writes
    // it, so only when the database is at this code's migration level (an older one is backed up
    // before an upgrade, and its audit table has an older shape).
    if (header.migrations.count === committedMigrations().length) await recordAudit(drizzle(client, { schema }), systemAuditContext, {
      action: 'database.backup',
      data: { tables: summary.tables, rows: summary.rows },
    });
    return summary;
  } finally {
    await client.end();
  }
}
