import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { freePort } from '../../../src/db/free-port.js';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';
import { createTestDatabase } from '../../helpers/database.js';
import { BUSES, LiveClient, listen, sharedEnv, TEST_ORIGIN } from '../../helpers/live.js';
import { startServer, waitForHealth } from '../../helpers/process.js';
import { postCase } from '../../helpers/threads.js';

// Real server processes on both buses: longer than one file's default.
t.setTimeout(400_000);

const presenceOf = (client: LiveClient, caseId: string, viewers: number, timeoutMs: number, from: number) =>
  client.waitFor((m) => m.type === 'presence' && m.caseId === caseId && m.viewers === viewers, timeoutMs, from);

async function watch(url: string, cookie: string, caseId: string): Promise<LiveClient> {
  const client = new LiveClient(url, { cookie });
  await client.opened;
  client.send({ type: 'subscribe', caseId });
  await client.waitFor((m) => m.type === 'subscribed' && m.caseId === caseId);
  return client;
}

for (const bus of BUSES) {
  t.test(`on the ${bus} bus`, async (t) => {
    t.test('a process that shuts down takes its viewers back at once', async (t) => {
      const database = await createTestDatabase(t, { max: 20 });
      // A heartbeat far longer than the wait below: only the shutdown announcement can explain the drop.
      const env = { ...sharedEnv(bus), LIVE_PRESENCE_HEARTBEAT_MS: '600000' };
      const stopping = await createTestApp(t, { database, env });
      const staying = await createTestApp(t, { database, env });
      const [stoppingUrl, stayingUrl] = [await listen(stopping.app), await listen(staying.app)];
      const author = await signedInUser(staying.app);
      const reader = await signedInUser(staying.app);
      const caseId = await postCase(staying.app, author.cookie);

      const observer = await watch(stayingUrl, author.cookie, caseId);
      t.teardown(() => observer.close());
      const leaving = await watch(stoppingUrl, reader.cookie, caseId);
      t.teardown(() => leaving.close());
      await observer.waitFor((m) => m.type === 'presence' && m.viewers === 2);
      t.pass('the staying process counts the viewer on the other process');

      const before = observer.messages.length;
      await stopping.app.close();
      const after = await presenceOf(observer, caseId, 1, 10_000, before);
      t.equal(after.viewers, 1, 'the stopped process announced 0 on its way out');
    });

    t.test('a process killed without a word is forgotten once its heartbeats stop', async (t) => {
      const database = await createTestDatabase(t, { max: 20 });
      const env = { ...sharedEnv(bus), LIVE_PRESENCE_HEARTBEAT_MS: '300' };
      const staying = await createTestApp(t, { database, env });
      const stayingUrl = await listen(staying.app);
      const port = await freePort();
      const killed = startServer({
        ...env,
        DATABASE_URL: database.url,
        PORT: String(port),
        PUBLIC_ORIGIN: TEST_ORIGIN,
        DATA_DIR: mkdtempSync(path.join(tmpdir(), 'curbside-presence-')),
        LOG_LEVEL: 'warn',
      });
      t.teardown(() => killed.child.kill('SIGKILL'));
      await waitForHealth(port, killed, 120_000);

      const author = await signedInUser(staying.app);
      const reader = await signedInUser(staying.app);
      const caseId = await postCase(staying.app, author.cookie);
      const observer = await watch(stayingUrl, author.cookie, caseId);
      t.teardown(() => observer.close());
      const onKilled = await watch(`ws://127.0.0.1:${port}/ws`, reader.cookie, caseId);
      t.teardown(() => onKilled.close());
      await observer.waitFor((m) => m.type === 'presence' && m.viewers === 2, 10_000);
      t.pass('both processes count both viewers');
      const counted = observer.messages.length;

      // Heartbeats keep the count through several beats while the process lives.
      await new Promise((r) => setTimeout(r, 1500));
      t.notOk(
        observer.messages.slice(counted).some((m) => m.type === 'presence' && m.viewers === 1),
        'a living process is not forgotten between its heartbeats',
      );

      const before = observer.messages.length;
      killed.child.kill('SIGKILL');
      await killed.exited;
      const after = await presenceOf(observer, caseId, 1, 15_000, before);
      t.equal(after.viewers, 1, 'the killed process is forgotten after three missed heartbeats');
    });
  });
}
