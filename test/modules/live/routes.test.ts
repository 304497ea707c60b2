import t from 'tap';
import { randomUUID } from 'node:crypto';
import { endAllSessions } from '../../../src/modules/auth/sessions.js';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';
import { createTestDatabase } from '../../helpers/database.js';
import { LiveClient, listen, sharedEnv, TEST_ORIGIN } from '../../helpers/live.js';

t.test('the upgrade is refused without a session, from another origin, or for an applicant', async (t) => {
  const { app } = await createTestApp(t, { env: sharedEnv() });
  const url = await listen(app);
  const physician = await signedInUser(app);
  const applicant = await signedInUser(app, { role: 'applicant' });

  const statusOf = async (options: { cookie?: string; origin?: string }) =>
    new LiveClient(url, options).opened.then(
      () => 101,
      (error: { statusCode?: number }) => error.statusCode,
    );
  t.equal(await statusOf({}), 401, 'no cookie');
  t.equal(await statusOf({ cookie: physician.cookie, origin: 'https://evil.example' }), 403, 'foreign origin');
  t.equal(await statusOf({ cookie: applicant.cookie }), 403, 'applicant');
  t.equal(await statusOf({ cookie: 'curbside_session=forged' }), 401, 'forged cookie');
  t.equal(await statusOf({ cookie: physician.cookie }), 101, 'verified physician');
  const sameHost = url.replace('ws://', 'http://').replace('/ws', '');
  t.equal(await statusOf({ cookie: physician.cookie, origin: sameHost }), 101, 'the host the request went to');
  t.equal(await statusOf({ cookie: physician.cookie, origin: 'null' }), 403, 'an opaque origin');
});

t.test('isSameSite accepts PUBLIC_ORIGIN or the request host only', async (t) => {
  const { isSameSite } = await import('../../../src/modules/live/routes.js');
  t.ok(isSameSite('https://curbside.example', 'internal:3000', 'https://curbside.example'));
  t.ok(isSameSite('http://localhost:3000', 'localhost:3000', 'http://127.0.0.1:3000'));
  t.notOk(isSameSite('http://evil.example', 'localhost:3000', 'http://127.0.0.1:3000'));
  t.notOk(isSameSite('http://localhost:3001', 'localhost:3000', 'http://127.0.0.1:3000'));
  t.notOk(isSameSite(undefined, 'localhost:3000', 'http://127.0.0.1:3000'));
  t.notOk(isSameSite('not a url', 'localhost:3000', 'http://127.0.0.1:3000'));
});

t.test('bad messages get an error message, not a disconnect', async (t) => {
  const { app } = await createTestApp(t, { env: sharedEnv() });
  const url = await listen(app);
  const { cookie } = await signedInUser(app);
  const client = new LiveClient(url, { cookie });
  t.teardown(() => client.close());
  await client.opened;

  client.send('not json');
  t.equal((await client.waitFor((m) => m.type === 'error')).code, 'invalid_json');
  client.send({ type: 'subscribe', caseId: 'nope' });
  t.equal((await client.waitFor((m) => m.code === 'invalid_message')).type, 'error');
  client.send({ type: 'subscribe', caseId: randomUUID(), since: -1 });
  await client.waitFor((m) => m.code === 'invalid_message' && /since/.test(JSON.stringify(m.details)), 5000, 2);
  const missing = randomUUID();
  client.send({ type: 'subscribe', caseId: missing });
  t.same(await client.waitFor((m) => m.code === 'not_found'), { type: 'error', code: 'not_found', message: 'case not found', caseId: missing });
  client.send({ type: 'ping' });
  await client.waitFor((m) => m.type === 'pong');
  t.equal(client.closeCode, null, 'still connected');
});

t.test('an oversized message closes the socket; a flood is refused', async (t) => {
  const { app } = await createTestApp(t, { env: sharedEnv() });
  const url = await listen(app);
  const { cookie } = await signedInUser(app);

  const flooder = new LiveClient(url, { cookie });
  await flooder.opened;
  for (let i = 0; i < 40; i++) flooder.send({ type: 'ping' });
  await flooder.waitFor((m) => m.code === 'rate_limited');
  t.equal(flooder.messages.filter((m) => m.type === 'pong').length, 30, 'the first 30 are answered');
  flooder.close();

  const big = new LiveClient(url, { cookie });
  await big.opened;
  big.send({ type: 'ping', pad: 'x'.repeat(10_000) });
  t.equal(await big.closed, 1009, 'message too big');
});

t.test('a session revoked while connected is closed with 4401, across processes', async (t) => {
  const database = await createTestDatabase(t);
  const env = sharedEnv();
  const a = await createTestApp(t, { database, env });
  const b = await createTestApp(t, { database, env });
  const url = await listen(b.app);
  const { cookie, user } = await signedInUser(a.app);
  const client = new LiveClient(url, { cookie });
  await client.opened;
  await endAllSessions(a.database.db, user.id, a.clock.now(), 'suspended');
  t.equal(await client.closed, 4401);
});

t.test('a client that stops answering pings is dropped', async (t) => {
  const { app } = await createTestApp(t, { env: sharedEnv(), live: { heartbeatMs: 100 } });
  const url = await listen(app);
  const { cookie } = await signedInUser(app);
  const { default: WebSocket } = await import('ws');
  const silent = new WebSocket(url, { headers: { cookie, origin: TEST_ORIGIN }, autoPong: false });
  await new Promise((resolve) => silent.once('open', resolve));
  const started = Date.now();
  const code = await new Promise<number>((resolve) => silent.once('close', resolve));
  t.equal(code, 1006, 'terminated without a close frame');
  t.ok(Date.now() - started < 2000, 'within a few heartbeats');

  const answering = new LiveClient(url, { cookie });
  await answering.opened;
  await new Promise((r) => setTimeout(r, 400));
  t.equal(answering.closeCode, null, 'a client that answers stays connected');
  answering.close();
});

t.test('an expired session is closed on the next re-check', async (t) => {
  const { app, clock } = await createTestApp(t, { env: sharedEnv(), live: { sessionRecheckMs: 100 } });
  const url = await listen(app);
  const { cookie } = await signedInUser(app);
  const client = new LiveClient(url, { cookie });
  await client.opened;
  clock.advance(13 * 60 * 60 * 1000);
  t.equal(await client.closed, 4401);
});
