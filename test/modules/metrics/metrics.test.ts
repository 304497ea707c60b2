import t from 'tap';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';
import { LiveClient, listen } from '../../helpers/live.js';
import { postCase } from '../../helpers/threads.js';

const TOKEN = 'metrics-token-for-tests-0123456789';

/** The value of one sample line, e.g. sample(text, 'curbside_live_sockets'). */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

t.test('without METRICS_TOKEN there is no /metrics', async (t) => {
  const { app } = await createTestApp(t);
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(res.statusCode, 404);
});

t.test('/metrics needs the bearer token', async (t) => {
  const { app } = await createTestApp(t, { env: { METRICS_TOKEN: TOKEN } });
  const none = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(none.statusCode, 401);
  t.equal(none.headers['www-authenticate'], 'Bearer realm="metrics"');
  t.notMatch(none.body, /curbside_/);
  const wrong = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` } });
  t.equal(wrong.statusCode, 401);
});

t.test('Prometheus text with request durations, pool, live sockets and PHI scan time', async (t) => {
  const { app } = await createTestApp(t, { env: { METRICS_TOKEN: TOKEN } });
  const scrape = async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
    return res.body;
  };

  const before = await scrape();
  const scansBefore = sample(before, 'curbside_phi_scan_seconds_count') ?? 0;
  t.equal(sample(before, 'curbside_live_sockets'), 0);

  const author = await signedInUser(app);
  const caseId = await postCase(app, author.cookie);
  await app.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: { cookie: author.cookie } });
  await app.inject({ method: 'POST', url: '/api/phi/scan', headers: { cookie: author.cookie }, payload: { text: 'Seen by Dr Smith on 3 March 2024' } });

  const client = new LiveClient(await listen(app), { cookie: author.cookie });
  t.teardown(() => client.close());
  await client.opened;
  client.send({ type: 'subscribe', caseId });
  await client.waitFor((m) => m.type === 'subscribed');

  const after = await scrape();
  t.equal(sample(after, 'curbside_http_request_duration_seconds_count', '{method="GET",route="/api/cases/:id",status_code="200"}'), 1, 'durations are labelled by route pattern, not by id');
  t.ok((sample(after, 'curbside_http_request_duration_seconds_count', '{method="POST",route="/api/cases",status_code="201"}') ?? 0) >= 1);
  t.ok((sample(after, 'curbside_phi_scan_seconds_count') ?? 0) > scansBefore, 'PHI scans are timed');
  t.equal(sample(after, 'curbside_live_sockets'), 1, 'the open socket is counted');
  t.equal(sample(after, 'curbside_live_subscriptions'), 1, 'its subscription is counted');
  t.ok((sample(after, 'curbside_db_pool_total') ?? 0) >= 1, 'pool connections are reported');
  t.equal(sample(after, 'curbside_db_pool_waiting'), 0);
  t.equal(sample(after, 'curbside_db_pool_max'), 10);
  t.equal(sample(after, 'curbside_mail_queue_depth'), 0);
  t.match(after, /# TYPE curbside_process_resident_memory_bytes gauge/);

  client.close();
  await client.closed;
  const closed = await scrape();
  t.equal(sample(closed, 'curbside_live_sockets'), 0, 'a closed socket is no longer counted');
});
