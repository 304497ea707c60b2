import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { CommitEvents, deliverAfterCommit } from './after-commit.js';
import * as schema from './schema/index.js';

export type Database = NodePgDatabase<typeof schema>;
/** A transaction handle; repos accept it wherever they accept the database. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
export type DbOrTx = Database | Tx;

export interface DatabaseHandle {
  db: Database;
  pool: pg.Pool;
  url: string;
  /** Events of committed transactions (see emitOnCommit), for the live bus to publish. */
  events: CommitEvents;
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
  // Nor a checked-out one between two queries (a transaction awaiting work when PostgreSQL dies:
  // its FATAL arrives as an 'error' event with no query to reject). Its next query fails, and the
  // pool drops it on release because it is no longer queryable.
  pool.on('connect', (client) => client.on('error', () => {}));
  const events = new CommitEvents();
  events.setMaxListeners(0);
  const db = deliverAfterCommit(drizzle(pool, { schema }), events);
  const close = async () => {
    if (!pool.ended) await pool.end();
  };
  return { db, pool, url, events, close };
}

export async function pingDatabase(pool: pg.Pool): Promise<void> {
  await pool.query('select 1');
}
