import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withDatabaseName } from './database.js';
import { serverUrl } from './test-server.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A database with no tables at all (not cloned from the migrated template); dropped after. */
export async function createEmptyDatabase(t: Teardown, prefix = 'curbside_empty'): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`create database "${name}"`));
  t.teardown(() => admin((client) => client.query(`drop database if exists "${name}" with (force)`)));
  return withDatabaseName(serverUrl(), name);
}
