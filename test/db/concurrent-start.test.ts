import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { freePort } from '../../src/db/free-port.js';
import { createEmptyDatabase } from '../helpers/empty-database.js';
import { startServer, stopProcess, waitForHealth } from '../helpers/process.js';

// Real processes and embedded clusters: slow on a busy machine, so more than the default 120 s.
t.setTimeout(360_000);

t.test('three processes started at once on a fresh database all migrate and serve', async (t) => {
  const url = await createEmptyDatabase(t, 'curbside_start');
  const secret = randomBytes(32).toString('hex');
  const ports = [await freePort(), await freePort(), await freePort()];
  const servers = ports.map((port) =>
    startServer({
      DATABASE_URL: url,
      PORT: String(port),
      SESSION_SECRET: secret,
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'curbside-start-')),
    }),
  );
  t.teardown(() => servers.forEach((s) => s.child.kill('SIGKILL')));

  const health = await Promise.all(ports.map((port, i) => waitForHealth(port, servers[i]!)));
  t.same(health.map((r) => r.status), [200, 200, 200], 'all three answer /healthz');

  // Each serves the API on the migrated schema: registration goes through to the database.
  for (const [i, port] of ports.entries()) {
    const res = await fetch(`http://127.0.0.1:${port}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `start${i}@example.org`, password: 'a long enough passphrase 42' }),
    });
    t.equal(res.status, 201, `process ${i + 1} registers an account`);
  }

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const applied = await client.query<{ n: string }>('select count(*) as n from drizzle.__drizzle_migrations');
  const hashes = await client.query<{ n: string }>('select count(distinct hash) as n from drizzle.__drizzle_migrations');
  await client.end();
  t.ok(Number(applied.rows[0]!.n) > 0, 'migrations were recorded');
  t.equal(applied.rows[0]!.n, hashes.rows[0]!.n, 'each migration was applied once');

  const codes = await Promise.all(servers.map((s) => stopProcess(s)));
  t.same(codes, [0, 0, 0], 'all three stop cleanly');
});
