import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index.js';

export type Database = NodePgDatabase<typeof schema>;
/** A transaction handle; repos accept it wherever they accept the database. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
export type DbOrTx = Database | Tx;

export interface DatabaseHandle {
  db: Database;
  pool: pg.Pool;
  url: string;
  close(): Promise<void>;
}

export interface PoolOptions {
  /** Connections in the pool (DATABASE_POOL_SIZE). */
  max?: number;
  /** Server-side statement_timeout for every connection; 0 or unset means none. */
  statementTimeoutMs?: number;
}

export function connectDatabase(url: string, options: PoolOptions = {}): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    // Sent as a startup parameter, so it holds on every connection without an extra round trip.
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = drizzle(pool, { schema });
  const close = async () => {
    if (!pool.ended) await pool.end();
  };
  return { db, pool, url, close };
}

export async function pingDatabase(pool: pg.Pool): Promise<void> {
  await pool.query('select 1');
}
