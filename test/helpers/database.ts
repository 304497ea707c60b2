import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { connectDatabase, type DatabaseHandle } from '../../src/db/client.js';
import { migrationsFolder, runMigrations } from '../../src/db/migrate.js';
import { serverUrl } from './test-server.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** The template's name changes whenever a migration does, so a stale template is never used. */
function templateName(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsFolder, { recursive: true }).map(String).sort()) {
    if (file.endsWith('.sql') || file.endsWith('.json')) hash.update(file).update(readFileSync(path.join(migrationsFolder, file)));
  }
  return `curbside_tpl_${hash.digest('hex').slice(0, 12)}`;
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function ensureTemplate(name: string): Promise<void> {
  await withAdmin(async (admin) => {
    // One test process builds the template; the others wait on the lock, then find it.
    await admin.query('select pg_advisory_lock(4242001)');
    try {
      const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (exists.rowCount) return;
      const building = `${name}_building`;
      await admin.query(`drop database if exists "${building}" with (force)`);
      await admin.query(`create database "${building}"`);
      const handle = connectDatabase(withDatabaseName(serverUrl(), building), { max: 1 });
      try {
        await runMigrations(handle.db);
      } finally {
        await handle.close();
      }
      await admin.query(`alter database "${building}" rename to "${name}"`);
    } finally {
      await admin.query('select pg_advisory_unlock(4242001)');
    }
  });
}

/** A fresh database for one test file, cloned from the migrated template and dropped after. */
export async function createTestDatabase(t: Teardown, options: { max?: number } = {}): Promise<DatabaseHandle> {
  const template = templateName();
  await ensureTemplate(template);
  const name = `curbside_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(async (admin) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database "${name}" template "${template}"`);
        return;
      } catch (error) {
        // Two clones starting at the same instant can briefly see each other on the template.
        if (attempt >= 20 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  });
  const handle = connectDatabase(withDatabaseName(serverUrl(), name), options);
  t.teardown(async () => {
    await handle.close();
    await withAdmin((admin) => admin.query(`drop database if exists "${name}" with (force)`));
  });
  return handle;
}

export { withDatabaseName };

/**
 * Ends the server side of the connections with this application_name, as a database restart or
 * a network cut would; returns how many there were.
 */
export async function terminateConnections(pool: pg.Pool, applicationName: string): Promise<number> {
  const result = await pool.query<{ pid: number }>(
    'select pg_terminate_backend(pid) as pid from pg_stat_activity where application_name = $1 and datname = current_database()',
    [applicationName],
  );
  return result.rowCount ?? 0;
}
