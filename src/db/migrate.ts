import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Database } from './client.js';

/** src/db and dist/db sit at the same depth, so this resolves from both. */
export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Any constant both sides agree on; 'curbside' in ASCII, so it is recognisable in pg_locks. */
export const MIGRATION_LOCK_KEY = 0x63757262;

/**
 * Applies every committed migration not yet applied; errors propagate to the caller.
 *
 * Processes starting together on one database would otherwise run the same migrations at once
 * (the second fails on `CREATE TYPE`), so they queue on a session advisory lock: the first
 * migrates, the others wait, then find nothing left to do. The migrations run on the connection
 * holding the lock, opened without the pool's statement_timeout, since a migration may be slow.
 */
export async function runMigrations(db: Database, options: { folder?: string } = {}): Promise<void> {
  const { connectionString } = (db as Database & { $client: pg.Pool }).$client.options;
  const client = new pg.Client({ connectionString, application_name: 'curbside-migrate' });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle(client), { migrationsFolder: options.folder ?? migrationsFolder });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

interface JournalEntry {
  when: number;
  tag: string;
}

/** The committed migrations, oldest first, as drizzle-kit's journal lists them. */
export function committedMigrations(): JournalEntry[] {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  return journal.entries;
}

/**
 * A copy of the migrations folder whose journal stops after the first `count` migrations, so a
 * database can be brought to an older level (a backup's) and upgraded from there.
 */
export function migrationsFolderUpTo(count: number): string {
  const folder = path.join(mkdtempSync(path.join(tmpdir(), 'curbside-migrations-')), 'migrations');
  cpSync(migrationsFolder, folder, { recursive: true });
  const journalFile = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: JournalEntry[] };
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, count) }));
  return folder;
}
