import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { freePort } from '../../src/db/free-port.js';
import { createEmptyDatabase } from '../helpers/empty-database.js';
import { goodPassword } from '../helpers/http.js';
import { runCliProcess, startServer, stopProcess, waitForHealth } from '../helpers/process.js';

// Real processes and embedded clusters: slow on a busy machine, so more than the default 120 s.
t.setTimeout(360_000);

t.test('the CLI works beside a running server on the embedded PostgreSQL', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'curbside-beside-'));
  const port = await freePort();
  const server = startServer({ DATA_DIR: dataDir, PORT: String(port) });
  t.teardown(() => server.child.kill('SIGKILL'));
  await waitForHealth(port, server, 120_000);

  // The first administrator, created while `npm start` runs, from the same data directory.
  const password = goodPassword();
  const create = runCliProcess(['user', 'create', '--email', 'first-admin@example.org', '--role', 'admin'], { DATA_DIR: dataDir }, `${password}\n`);
  t.equal(await create.exited, 0, create.output());
  t.match(JSON.parse(create.output().trim().split('\n').at(-1)!), { email: 'first-admin@example.org', role: 'admin' });
  t.notMatch(create.output(), /initialising|already using/, 'it joined the running cluster instead of starting one');

  const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'first-admin@example.org', password }),
  });
  t.equal(login.status, 200, 'the server sees the new account at once');
  t.equal(((await login.json()) as { user: { role: string } }).user.role, 'admin');

  // A backup of the embedded default, taken while the server runs, restores elsewhere.
  const file = path.join(dataDir, 'running.backup');
  const backup = runCliProcess(['backup', file], { DATA_DIR: dataDir });
  t.equal(await backup.exited, 0, backup.output());
  t.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200, 'the CLI left the cluster running');

  const target = await createEmptyDatabase(t, 'curbside_from_embedded');
  const restore = runCliProcess(['restore', file], { DATABASE_URL: target, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'curbside-restore-')) });
  t.equal(await restore.exited, 0, restore.output());
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  const { rows } = await client.query("select role from users where email = 'first-admin@example.org'");
  await client.end();
  t.same(rows, [{ role: 'admin' }]);

  t.equal(await stopProcess(server), 0, 'the server still stops cleanly');
});
