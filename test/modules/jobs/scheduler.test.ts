import t from 'tap';
import { createTestApp, TestClock } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';
import { postCase, postReply } from '../../helpers/cases.js';
import { createTestDatabase } from '../../helpers/database.js';
import { sharedEnv } from '../../helpers/live.js';
import { SESSION_COOKIE } from '../../../src/modules/auth/session-types.js';
import { startSession } from '../../../src/modules/auth/sessions.js';
import { TestSmtpServer } from '../../helpers/smtp.js';

const HOUR = 60 * 60_000;

type App = Awaited<ReturnType<typeof createTestApp>>;

/** A fresh session at the test clock's time (days pass in these tests; sessions do not last). */
async function cookieFor(app: App, userId: string): Promise<string> {
  const session = await startSession(app.database.db, app.config.SESSION_SECRET, userId, app.clock.now(), { ip: null, userAgent: 'test' });
  return `${SESSION_COOKIE}=${session.token}`;
}

async function twoProcesses(t: { teardown(fn: () => unknown): void }, env: Record<string, string> = {}) {
  const database = await createTestDatabase(t, { max: 20 });
  const clock = new TestClock(new Date('2026-03-02T09:00:00.000Z'));
  const shared = { ...sharedEnv(), ...env };
  // The background workers are off: the test runs both processes' schedulers at the same moment.
  const one = await createTestApp(t, { database, clock, env: shared, notifications: { worker: false } });
  const two = await createTestApp(t, { database, clock, env: shared, notifications: { worker: false } });
  const runBoth = () => Promise.all([one.app.notifications.scheduler.runDue(), two.app.notifications.scheduler.runDue(), one.app.notifications.scheduler.runDue()]);
  return { database, clock, one, two, runBoth };
}

async function followups(database: { pool: { query(q: string, p?: unknown[]): Promise<{ rows: any[] }> } }, caseId: string) {
  const result = await database.pool.query("select user_id from notifications where type = 'followup' and case_id = $1", [caseId]);
  return result.rows;
}

t.test('outcome reminders go out once each, at 48 hours and 14 days, across two processes', async (t) => {
  const { database, clock, one, runBoth } = await twoProcesses(t);
  const author = await signedInUser(one.app);
  const colleague = await signedInUser(one.app);
  const open = await postCase(one.app, author.cookie);
  const answered = await postCase(one.app, author.cookie);
  await postReply(one.app, colleague.cookie, answered.id);

  await runBoth();
  t.same(await followups(database, open.id), [], 'nothing before 48 hours');
  clock.advance(47 * HOUR);
  await runBoth();
  t.same(await followups(database, open.id), []);

  clock.advance(2 * HOUR);
  await runBoth();
  await runBoth();
  const first = await followups(database, open.id);
  t.equal(first.length, 1, 'one reminder at 48 hours, though both processes ran the scheduler twice');
  t.equal(first[0].user_id, author.user.id);
  const list = (await one.app.inject({ url: '/api/notifications', headers: { cookie: await cookieFor(one, colleague.user.id) } })).json();
  t.same(list.items.map((n: { type: string }) => n.type), [], 'only the author is reminded');

  // The author posts the outcome of the second case: it gets no 14-day reminder.
  const outcome = await one.app.inject({ method: 'POST', url: `/api/cases/${answered.id}/outcome`, headers: { cookie: await cookieFor(one, author.user.id) }, payload: { outcome: 'Dose reduced; stable.' } });
  t.equal(outcome.statusCode, 200);
  clock.advance(14 * 24 * HOUR);
  await runBoth();
  await runBoth();
  t.equal((await followups(database, open.id)).length, 2, 'the 14-day reminder, once');
  t.equal((await followups(database, answered.id)).length, 1, 'only the 48-hour one for the case that has its outcome now');

  const jobs = await database.pool.query("select key, attempts, done_at from jobs where kind = 'followup' order by key");
  t.equal(jobs.rows.length, 4);
  t.ok(jobs.rows.every((j: { attempts: number; done_at: Date | null }) => j.attempts === 1 && j.done_at), 'each job ran exactly once');

  const reminder = (await one.app.inject({ url: '/api/notifications', headers: { cookie: await cookieFor(one, author.user.id) } })).json().items.find((n: { type: string }) => n.type === 'followup');
  t.equal(reminder.caseId, open.id);
});

t.test('the daily digest is mailed once a day across two processes, with counts only', async (t) => {
  const smtp = await TestSmtpServer.start();
  t.teardown(() => smtp.close());
  const { clock, one, two, runBoth } = await twoProcesses(t, { SMTP_URL: smtp.url });
  const author = await signedInUser(one.app, { email: 'digest@example.org' });
  const colleague = await signedInUser(one.app);
  const set = await one.app.inject({ method: 'PUT', url: '/api/me/notification-settings', headers: { cookie: author.cookie }, payload: { email: 'daily', urgent: true } });
  t.equal(set.statusCode, 200);
  // 09:00 UTC: today's digest (due 07:00) runs with nothing pending.
  await runBoth();
  const kase = await postCase(one.app, author.cookie, { title: 'Pangolin rash question' });
  await postReply(one.app, colleague.cookie, kase.id, 'First.');
  await postReply(one.app, colleague.cookie, kase.id, 'Second.');
  await runBoth();
  await Promise.all([one.app.notifications.mailer.drain(), two.app.notifications.mailer.drain()]);
  t.equal(smtp.received.length, 0, 'no instant mail for a daily-digest user');

  clock.advance(23 * HOUR); // 08:00 the next day
  await runBoth();
  await Promise.all([one.app.notifications.mailer.drain(), two.app.notifications.mailer.drain()]);
  await smtp.waitFor(1);
  t.equal(smtp.received.length, 1, 'one digest');
  t.match(smtp.received[0]!.subject, /daily digest \(2\)/);
  t.match(smtp.received[0]!.decoded, /2 new replies/);
  t.notOk(smtp.received[0]!.decoded.includes('Pangolin'), 'no case title in the digest');

  await runBoth();
  await Promise.all([one.app.notifications.mailer.drain(), two.app.notifications.mailer.drain()]);
  t.equal(smtp.received.length, 1, 'not again the same day');
});
