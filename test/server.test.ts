import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { repoRoot } from './helpers/test-server.js';
import { freePort } from '../src/db/free-port.js';

/**
 * The real process, started the way `npm start` starts it, with no DATABASE_URL: the embedded
 * PostgreSQL is initialised in DATA_DIR, kept across restarts and stopped on SIGTERM.
 */

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startServer(env: Record<string, string>): Running {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/server.ts')], {
    cwd: repoRoot,
    env: { ...inherited, NODE_ENV: 'development', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForHealth(port: number, running: Running, timeoutMs = 30_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null) throw new Error(`server exited: ${running.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.status === 200) return res;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no healthy server within ${timeoutMs} ms: ${running.output()}`);
}

async function stop(running: Running): Promise<number | null> {
  running.child.kill('SIGTERM');
  return running.exited;
}

t.test('npm start with no DATABASE_URL: embedded PostgreSQL, data kept across restarts', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'curbside-server-'));
  const port = await freePort();
  const env = { DATA_DIR: dataDir, PORT: String(port) };

  const first = startServer(env);
  t.teardown(() => first.child.kill('SIGKILL'));
  const health = await waitForHealth(port, first);
  t.same(await health.json(), { status: 'ok' });

  // A second instance on the same data dir is refused with a clear message.
  const second = startServer({ ...env, PORT: String(await freePort()) });
  t.equal(await second.exited, 1, 'second instance exits with 1');
  t.match(second.output(), /already using the data directory/);

  // Write something, stop cleanly, start again, and find it.
  const { default: pg } = await import('pg');
  const { readFileSync } = await import('node:fs');
  const password = readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  const pgPort = /embedded PostgreSQL listening on 127\.0\.0\.1:(\d+)/.exec(first.output())![1];
  const client = new pg.Client({ connectionString: `postgres://postgres:${password}@127.0.0.1:${pgPort}/curbside` });
  await client.connect();
  await client.query(
    "insert into users (email, password_hash, handle) values ('kept@example.org', 'x', 'Dr. Kept Wren')",
  );
  await client.end();

  t.equal(await stop(first), 0, 'SIGTERM stops with exit code 0');
  t.match(first.output(), /shutting down/);

  const third = startServer(env);
  t.teardown(() => third.child.kill('SIGKILL'));
  await waitForHealth(port, third);
  const pgPort2 = /embedded PostgreSQL listening on 127\.0\.0\.1:(\d+)/.exec(third.output())![1];
  const again = new pg.Client({ connectionString: `postgres://postgres:${password}@127.0.0.1:${pgPort2}/curbside` });
  await again.connect();
  const { rows } = await again.query("select handle from users where email = 'kept@example.org'");
  await again.end();
  t.same(rows, [{ handle: 'Dr. Kept Wren' }], 'data survived the restart');
  t.equal(await stop(third), 0);
});

t.test('a bad configuration value stops start-up with one line naming it', async (t) => {
  const running = startServer({ PORT: 'eighty', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'curbside-bad-')) });
  t.equal(await running.exited, 1);
  t.match(running.output().trim(), /^curbside: invalid environment variable PORT: [^\n]+$/);
});

t.test('production without SESSION_SECRET refuses to start', async (t) => {
  const running = startServer({ NODE_ENV: 'production', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'curbside-prod-')) });
  t.equal(await running.exited, 1);
  t.match(running.output(), /SESSION_SECRET is required/);
});
