import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { connectDatabase } from '../../../src/db/client.js';
import { freePort } from '../../../src/db/free-port.js';
import { SESSION_COOKIE } from '../../../src/modules/auth/session-types.js';
import { startSession } from '../../../src/modules/auth/sessions.js';
import { createUser } from '../../../src/modules/users/service.js';
import { LiveClient } from '../../helpers/live.js';
import { PrivateCluster } from '../../helpers/private-cluster.js';
import { startServer, stopProcess, waitForHealth, type Running } from '../../helpers/process.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const KILL_CYCLES = 3;

// Two server processes, a private cluster and three crash cycles take longer than one file's default.
t.setTimeout(600_000);

/**
 * The fault from issue 14, as it happened: PostgreSQL SIGKILLed under writes through two real
 * server processes, restarted a moment later, writes going on. Every subscriber, on either
 * process, must receive every stored reply in order, once, on the socket it already had.
 */
t.test('subscribers on two processes get every reply in order, once, across database kills', { timeout: 400_000 }, async (t) => {
  const cluster = await PrivateCluster.create(t);
  const secret = randomBytes(32).toString('hex');
  const ports = [await freePort(), await freePort()];
  const env = (port: number) => ({
    DATABASE_URL: cluster.url,
    PORT: String(port),
    SESSION_SECRET: secret,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'curbside-restart-')),
    PUBLIC_ORIGIN: `http://127.0.0.1:${port}`,
    RATE_LIMIT_POSTS_PER_MINUTE: '100000',
    LOG_LEVEL: 'warn',
    // Short, so the session re-check runs while the database is away (it used to end the process).
    LIVE_SESSION_RECHECK_MS: '200',
  });
  // One after the other: the first migrates the fresh cluster.
  const servers: Running[] = [];
  t.teardown(() => servers.forEach((s) => s.child.kill('SIGKILL')));
  for (const port of ports) {
    const server = startServer(env(port));
    servers.push(server);
    await waitForHealth(port, server, 120_000);
  }
  t.comment('both processes serve');

  const database = connectDatabase(cluster.url, { max: 2 });
  const people: string[] = [];
  for (let i = 0; i < 3; i++) {
    const user = await createUser(database.db, {
      email: `restart${i}@example.org`,
      passwordHash: 'not-a-login-account',
      role: 'physician',
      verification: 'verified',
      specialty: 'cardiology',
    });
    const session = await startSession(database.db, secret, user.id, new Date(), { ip: null, userAgent: 'test' });
    people.push(`${SESSION_COOKIE}=${session.token}`);
  }
  await database.close();

  const post = async (port: number, cookie: string, url: string, payload: object) =>
    fetch(`http://127.0.0.1:${port}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: `http://127.0.0.1:${port}` },
      body: JSON.stringify(payload),
    });
  const created = await post(ports[0]!, people[0]!, '/api/cases', {
    title: 'New AF with CrCl 28: apixaban dose?',
    age: 58,
    sex: 'male',
    specialty: 'cardiology',
    urgency: 'routine',
    body: 'Started on apixaban 5 mg bd by the ED. Weight 61 kg, creatinine 180.',
    question: 'Should the dose be reduced?',
  });
  t.equal(created.status, 201);
  const caseId = ((await created.json()) as { case: { id: string } }).case.id;

  const clients = [0, 0, 1, 1].map((i) => new LiveClient(`ws://127.0.0.1:${ports[i]}/ws`, { cookie: people[0]!, origin: `http://127.0.0.1:${ports[i]}` }));
  t.teardown(() => clients.forEach((c) => c.close()));
  for (const client of clients) {
    await client.opened;
    client.send({ type: 'subscribe', caseId });
    await client.waitFor((m) => m.type === 'subscribed', 30_000);
  }

  // Writers: three in flight at a time, alternating processes, until told to stop.
  let writing = true;
  let acknowledged = 0;
  let attempts = 0;
  const writer = async (w: number) => {
    while (writing) {
      const port = ports[attempts % 2]!;
      attempts++;
      try {
        const res = await post(port, people[w]!, `/api/cases/${caseId}/replies`, { body: `Consider the dose again, writer ${w}, attempt ${attempts}.` });
        if (res.status === 201) acknowledged++;
        else await sleep(50);
      } catch {
        await sleep(50);
      }
    }
  };
  const writers = [0, 1, 2].map((w) => writer(w));
  t.comment('sockets subscribed; writing');

  for (let cycle = 0; cycle < KILL_CYCLES; cycle++) {
    await sleep(1500);
    cluster.kill();
    await cluster.killed();
    await sleep(700);
    await cluster.start();
    for (const [i, port] of ports.entries()) await waitForHealth(port, servers[i]!, 60_000);
    t.comment(`kill ${cycle + 1}: restarted; ${acknowledged} replies acknowledged so far`);
  }
  await sleep(1500);
  writing = false;
  await Promise.all(writers);

  const reader = new pg.Client({ connectionString: cluster.url });
  await reader.connect();
  const stored = (await reader.query<{ id: string; seq: number }>('select id, seq from replies where case_id = $1 order by seq', [caseId])).rows;
  await reader.end();
  t.ok(acknowledged > 0 && stored.length >= acknowledged, `every acknowledged reply is stored (${acknowledged} acknowledged, ${stored.length} stored)`);
  const last = stored[stored.length - 1]!.seq;

  for (const [i, client] of clients.entries()) {
    await client.waitFor((m) => m.type === 'reply.created' && m.seq === last, 60_000);
    const got = client.messages.filter((m) => m.type === 'reply.created').map((m) => [m.seq, m.reply.id]);
    t.same(got, stored.map((r) => [r.seq, r.id]), `socket ${i + 1} (process ${i < 2 ? 'A' : 'B'}) got all ${stored.length} replies, in order, once`);
    t.equal(client.closeCode, null, `socket ${i + 1} stayed open`);
  }
  for (const [i, server] of servers.entries()) {
    t.equal(server.child.exitCode, null, `process ${i ? 'B' : 'A'} is still running`);
    t.notMatch(server.output(), /unhandled|UnhandledPromiseRejection/i, 'no unhandled rejection');
  }
  const codes = await Promise.all(servers.map((s) => stopProcess(s)));
  t.same(codes, [0, 0], 'both stop cleanly');
});
