import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { createTestApp, TestClock } from '../../helpers/app.js';
import { createTestDatabase } from '../../helpers/database.js';
import { sharedEnv } from '../../helpers/live.js';
import { TestSmtpServer } from '../../helpers/smtp.js';
import { freePort } from '../../../src/db/free-port.js';
import { retryDelayMs } from '../../../src/modules/mail/service.js';

const resetMail = (link: string) => ({ template: 'password-reset' as const, link, minutes: 30 });

async function outboxRows(app: Awaited<ReturnType<typeof createTestApp>>) {
  const result = await app.database.pool.query('select id, attempts, sent_at, last_error from mail_outbox order by created_at, id');
  return result.rows as Array<{ id: string; attempts: number; sent_at: Date | null; last_error: string | null }>;
}

t.test('a mail queued while the SMTP server is down is retried with backoff and delivered once', async (t) => {
  const port = await freePort();
  const database = await createTestDatabase(t);
  const clock = new TestClock();
  const env = { ...sharedEnv(), SMTP_URL: `smtp://127.0.0.1:${port}` };
  // Two app instances stand for two server processes draining one queue.
  const one = await createTestApp(t, { database, clock, env, notifications: { worker: false } });
  const two = await createTestApp(t, { database, clock, env, notifications: { worker: false } });

  await database.db.transaction(async (tx) => {
    for (let i = 0; i < 6; i++) await one.app.notifications.mailer.enqueue(tx, `doc${i}@example.org`, resetMail(`http://localhost:3000/x${i}`));
  });

  // Nothing listens on the port: every attempt fails and is rescheduled, none is lost.
  await Promise.all([one.app.notifications.mailer.drain(), two.app.notifications.mailer.drain()]);
  let rows = await outboxRows(one);
  t.equal(rows.length, 6);
  t.ok(rows.every((r) => r.sent_at === null && r.attempts === 1 && r.last_error), 'each tried once, kept with the error');
  t.equal(await one.app.notifications.mailer.drain(), 0, 'not retried before its backoff');

  const smtp = await TestSmtpServer.start(port);
  t.teardown(() => smtp.close());
  clock.advance(retryDelayMs(0) + 1000);
  await Promise.all([one.app.notifications.mailer.drain(), two.app.notifications.mailer.drain(), one.app.notifications.mailer.drain()]);
  await smtp.waitFor(6);
  rows = await outboxRows(one);
  t.ok(rows.every((r) => r.sent_at !== null && r.attempts === 2), 'all sent on the second attempt');
  clock.advance(24 * 60 * 60_000);
  await Promise.all([one.app.notifications.mailer.drain(), two.app.notifications.mailer.drain()]);
  t.equal(smtp.received.length, 6, 'each mail arrived exactly once');
  t.same(new Set(smtp.received.flatMap((m) => m.to)).size, 6);
  t.match(smtp.received[0]!.raw, /^From: Curbside <no-reply@curbside\.invalid>/m);
});

t.test('a temporary refusal by the server keeps the mail for a later attempt', async (t) => {
  const smtp = await TestSmtpServer.start();
  t.teardown(() => smtp.close());
  const { app, clock, database } = await createTestApp(t, { env: { SMTP_URL: smtp.url }, notifications: { worker: false } });
  await database.db.transaction((tx) => app.notifications.mailer.enqueue(tx, 'refused@example.org', resetMail('http://localhost:3000/r')));
  smtp.refuse = true;
  await app.notifications.mailer.drain();
  t.equal(smtp.received.length, 0);
  smtp.refuse = false;
  clock.advance(retryDelayMs(0));
  await app.notifications.mailer.drain();
  t.equal(smtp.received.length, 1);
  t.same(smtp.received[0]!.to, ['refused@example.org']);
});

t.test('retries back off and are capped at an hour', async (t) => {
  t.equal(retryDelayMs(0), 30_000);
  t.equal(retryDelayMs(1), 60_000);
  t.equal(retryDelayMs(20), 60 * 60_000);
});

t.test('without SMTP_URL, development writes each message to DATA_DIR/outbox as .eml', async (t) => {
  const { app, config, database } = await createTestApp(t, { env: { NODE_ENV: 'development' }, notifications: { worker: false } });
  t.equal(config.SMTP_URL, undefined);
  await database.db.transaction((tx) => app.notifications.mailer.enqueue(tx, 'dev@example.org', resetMail('http://localhost:3000/dev-link')));
  t.equal(await app.notifications.mailer.drain(), 1);
  const dir = path.join(config.DATA_DIR, 'outbox');
  t.ok(existsSync(dir));
  const files = readdirSync(dir);
  t.equal(files.length, 1);
  t.match(files[0], /\.eml$/);
  const eml = readFileSync(path.join(dir, files[0]!), 'utf8');
  t.match(eml, /^To: dev@example\.org$/m);
  t.match(eml, /Subject: Curbside: reset your password/);
  t.match(eml, /dev-link/);
});
