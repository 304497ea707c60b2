import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { recordAudit, systemAuditContext } from '../../modules/audit/service.js';
import { connectDatabase } from '../client.js';
import { committedMigrations, migrationsFolderUpTo, runMigrations } from '../migrate.js';
import * as schema from '../schema/index.js';
import { advanceSequences, migrationLevel } from './catalog.js';
import { BackupFormatError, readBackup, type BackupHeader, type MigrationLevel } from './format.js';

export interface RestoreProgress {
  tableDone?(table: string, rows: number): void;
}

export interface RestoreSummary {
  tables: number;
  rows: number;
  migrations: MigrationLevel;
}

export class RestoreRefusedError extends Error {
  override name = 'RestoreRefusedError';
}

function describe(level: MigrationLevel): string {
  const tag = level.count > 0 ? committedMigrations()[level.count - 1]?.tag : undefined;
  return `${level.count} migration${level.count === 1 ? '' : 's'}${tag ? ` (last ${tag})` : ''}`;
}

/**
 * Brings the target to the backup's migration level: an empty database is migrated up to that
 * level; a migrated one must already be there. Later migrations run after the data is in.
 */
async function prepareSchema(client: pg.Client, url: string, header: BackupHeader): Promise<void> {
  const wanted = header.migrations;
  const known = committedMigrations();
  if (wanted.count > known.length || (wanted.count > 0 && known[wanted.count - 1]!.when !== wanted.lastWhen)) {
    throw new RestoreRefusedError(
      `the backup was taken at a migration level this version does not have (${wanted.count} migrations); restore it with the Curbside version that wrote it`,
    );
  }
  const current = await migrationLevel(client);
  if (current.count === 0) {
    const handle = connectDatabase(url, { max: 1 });
    try {
      await runMigrations(handle.db, { folder: migrationsFolderUpTo(wanted.count) });
    } finally {
      await handle.close();
    }
  } else if (current.count !== wanted.count || current.lastWhen !== wanted.lastWhen) {
    throw new RestoreRefusedError(
      `the target database is at ${describe(current)} but the backup at ${describe(wanted)}: restore into an empty database`,
    );
  }
}

async function refuseUnlessEmpty(client: pg.Client, tables: string[]): Promise<void> {
  for (const table of tables) {
    const { rows } = await client.query<{ found: boolean }>(`select exists (select 1 from ${client.escapeIdentifier(table)}) as found`);
    if (rows[0]!.found) throw new RestoreRefusedError(`the target database is not empty (table ${table} has rows): restore into an empty database`);
  }
}

/**
 * Restores a backup written by writeBackup into an empty database at `url`, in one transaction:
 * either every row is in, with sequences moved past them, or nothing is. Then migrates the
 * database up to this version's level.
 */
export async function restoreBackup(url: string, input: NodeJS.ReadableStream, progress: RestoreProgress = {}): Promise<RestoreSummary> {
  const gunzip = createGunzip();
  input.on('error', (error) => gunzip.destroy(error));
  const items = readBackup(input.pipe(gunzip));
  const first = await items.next();
  if (first.done || first.value.kind !== 'header') throw new BackupFormatError('not a Curbside backup');
  const header = first.value.header;

  const client = new pg.Client({ connectionString: url, application_name: 'curbside-restore' });
  await client.connect();
  const summary: RestoreSummary = { tables: 0, rows: 0, migrations: header.migrations };
  let copy: ReturnType<typeof copyFrom> | null = null;
  let done: Promise<void> = Promise.resolve();
  try {
    await prepareSchema(client, url, header);
    await client.query('begin');
    await refuseUnlessEmpty(client, header.tables);
    let table = '';
    let complete = false;
    for await (const item of items) {
      if (item.kind === 'T') {
        table = item.start.table;
        if (!header.tables.includes(table)) throw new BackupFormatError(`table ${table} is not in the backup's header`);
        const list = item.start.columns.map((c) => client.escapeIdentifier(c)).join(', ');
        copy = client.query(copyFrom(`copy ${client.escapeIdentifier(table)} (${list}) from stdin (format binary)`));
        done = finished(copy);
        done.catch(() => {});
      } else if (item.kind === 'D') {
        if (!copy) throw new BackupFormatError('data outside a table');
        if (!copy.write(item.data)) await Promise.race([once(copy, 'drain'), done]);
      } else if (item.kind === 'E') {
        if (!copy) throw new BackupFormatError('a table end without its start');
        copy.end();
        await done;
        if (copy.rowCount !== item.end.rows) {
          throw new BackupFormatError(`table ${table}: the backup names ${item.end.rows} rows but ${copy.rowCount} were read`);
        }
        summary.tables += 1;
        summary.rows += copy.rowCount;
        progress.tableDone?.(table, copy.rowCount);
        copy = null;
      } else if (item.kind === 'Z') {
        complete = item.end.rows === summary.rows;
        if (!complete) throw new BackupFormatError(`the backup names ${item.end.rows} rows but ${summary.rows} were restored`);
      }
    }
    if (!complete) throw new BackupFormatError('the backup is truncated');
    await advanceSequences(client);
    await client.query('commit');
  } catch (error) {
    // A COPY cut off half-way is failed (CopyFail) so the connection can roll back; the original
    // error is the one worth reporting, so these clean-up errors are dropped.
    if (copy && !copy.destroyed) {
      copy.destroy(error instanceof Error ? error : new Error(String(error)));
      await done.catch(() => {});
    }
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
  const handle = connectDatabase(url, { max: 1 });
  try {
    await runMigrations(handle.db);
    // Audited once the database has this code's shape (a backup from an older level is upgraded first).
    await recordAudit(handle.db, systemAuditContext, {
      action: 'database.restore',
      data: { tables: summary.tables, rows: summary.rows, backupCreatedAt: header.createdAt },
    });
  } finally {
    await handle.close();
  }
  return summary;
}
