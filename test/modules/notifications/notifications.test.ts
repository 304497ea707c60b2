import t from 'tap';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser, type SignedInUser } from '../../helpers/auth.js';
import { createTestDatabase } from '../../helpers/database.js';
import { LiveClient, listen, sharedEnv } from '../../helpers/live.js';
import { TestSmtpServer } from '../../helpers/smtp.js';
import { postCase, postReply } from '../../helpers/cases.js';

type App = Awaited<ReturnType<typeof createTestApp>>['app'];

/** Words from the case that must never appear in an e-mail. */
const SECRET = { title: 'Zebrafinch syncope puzzle', body: 'Quokka marker in the **echo** report.', question: 'Would the wombat regimen help?' };
const SECRET_WORDS = ['Zebrafinch', 'syncope puzzle', 'Quokka', 'wombat'];

async function setup(t: { teardown(fn: () => unknown): void }) {
  const smtp = await TestSmtpServer.start();
  t.teardown(() => smtp.close());
  const database = await createTestDatabase(t, { max: 20 });
  const env = { ...sharedEnv(), SMTP_URL: smtp.url, WORKER_POLL_MS: '50' };
  // Two app instances on one database stand for two server processes.
  const writer = await createTestApp(t, { database, env });
  const reader = await createTestApp(t, { database, env });
  const url = await listen(reader.app);
  return { smtp, database, writer, reader, url };
}

function put(app: App, user: SignedInUser, url: string, payload: unknown) {
  return app.inject({ method: 'PUT', url, headers: { cookie: user.cookie }, payload: payload as object });
}

async function openSocket(t: { teardown(fn: () => unknown): void }, url: string, user: SignedInUser) {
  const client = new LiveClient(url, { cookie: user.cookie });
  t.teardown(() => client.close());
  await client.opened;
  return client;
}

t.test('a cardiology follower with another page open is told of a new urgent cardiology case at once, and by mail', async (t) => {
  const { smtp, writer, reader, url } = await setup(t);
  const author = await signedInUser(writer.app, { specialty: 'cardiology' });
  const follower = await signedInUser(writer.app, { specialty: 'internal-medicine', email: 'follower@example.org' });
  const quiet = await signedInUser(writer.app, { email: 'quiet@example.org' });
  const neurologist = await signedInUser(writer.app, { email: 'neuro@example.org' });
  t.equal((await put(writer.app, follower, '/api/me/follows', { specialties: ['cardiology'], handles: [] })).statusCode, 200);
  t.equal((await put(writer.app, quiet, '/api/me/follows', { specialties: ['cardiology'], handles: [] })).statusCode, 200);
  t.equal((await put(writer.app, quiet, '/api/me/notification-settings', { email: 'off', urgent: false })).statusCode, 200);
  await put(writer.app, neurologist, '/api/me/follows', { specialties: ['neurology'], handles: [] });

  // The follower's page socket is on the other process and subscribes to nothing.
  const socket = await openSocket(t, url, follower);
  const routine = await postCase(writer.app, author.cookie, { ...SECRET, urgency: 'routine' });
  const urgent = await postCase(writer.app, author.cookie, { ...SECRET, urgency: 'urgent' });
  const message = await socket.waitFor((m) => m.type === 'notification');
  t.match(message.notification, { type: 'urgent_case', caseId: urgent.id, replyId: null, actor: { handle: author.user.handle }, readAt: null });
  t.same(Object.keys(message.notification.actor), ['handle'], 'the actor by handle only');

  const mails = await smtp.waitFor(1);
  await new Promise((r) => setTimeout(r, 300));
  t.same(smtp.received.flatMap((m) => m.to), ['follower@example.org'], 'mailed to the follower only (quiet chose off, neurology does not follow)');
  t.match(mails[0]!.subject, /urgent case/);
  t.match(mails[0]!.decoded, /Specialty: cardiology/);
  t.match(mails[0]!.decoded, new RegExp(`http://localhost:3000/cases/${urgent.id}`));

  const list = await reader.app.inject({ url: '/api/notifications', headers: { cookie: follower.cookie } });
  t.equal(list.statusCode, 200);
  t.equal(list.json().unread, 1);
  t.same(list.json().items.map((n: { caseId: string }) => n.caseId), [urgent.id], 'no notification for the routine case');
  t.not(routine.id, urgent.id);
  const quietList = await writer.app.inject({ url: '/api/notifications', headers: { cookie: quiet.cookie } });
  t.equal(quietList.json().unread, 1, 'mail off still notifies in the app');
  const neuroList = await writer.app.inject({ url: '/api/notifications', headers: { cookie: neurologist.cookie } });
  t.equal(neuroList.json().items.length, 0);
});

t.test('the author is notified of each reply; repliers watch; unwatching stops it; outcome and helpful reach repliers', async (t) => {
  const { smtp, writer, url } = await setup(t);
  const author = await signedInUser(writer.app, { email: 'author@example.org' });
  const first = await signedInUser(writer.app, { email: 'first@example.org' });
  const second = await signedInUser(writer.app, { email: 'second@example.org' });
  const kase = await postCase(writer.app, author.cookie, SECRET);
  const authorSocket = await openSocket(t, url, author);

  const r1 = await postReply(writer.app, first.cookie, kase.id, 'Reply one.');
  const r2 = await postReply(writer.app, second.cookie, kase.id, 'Reply two.');
  await authorSocket.waitFor((m) => m.type === 'notification' && m.notification.replyId === r2.id);
  const forAuthor = authorSocket.messages.filter((m) => m.type === 'notification').map((m) => m.notification);
  t.same(forAuthor.map((n) => [n.type, n.replyId]), [['reply', r1.id], ['reply', r2.id]], 'one notification per reply, live');

  const firstList = (await writer.app.inject({ url: '/api/notifications', headers: { cookie: first.cookie } })).json();
  t.same(firstList.items.map((n: { type: string; replyId: string }) => [n.type, n.replyId]), [['reply', r2.id]], 'the first replier watches the case now');

  const unwatch = await writer.app.inject({ method: 'POST', url: `/api/cases/${kase.id}/watch`, headers: { cookie: first.cookie }, payload: { watch: false } });
  t.same(unwatch.json(), { watching: false });
  await postReply(writer.app, second.cookie, kase.id, 'Reply three.');
  const afterUnwatch = (await writer.app.inject({ url: '/api/notifications', headers: { cookie: first.cookie } })).json();
  t.equal(afterUnwatch.items.length, 1, 'no notification after unwatching');

  const helpful = await writer.app.inject({ method: 'POST', url: `/api/replies/${r1.id}/helpful`, headers: { cookie: author.cookie }, payload: { helpful: true } });
  t.equal(helpful.statusCode, 200);
  const outcome = await writer.app.inject({ method: 'POST', url: `/api/cases/${kase.id}/outcome`, headers: { cookie: author.cookie }, payload: { outcome: 'Settled on the lower dose; stable at review.' } });
  t.equal(outcome.statusCode, 200);
  const firstTypes = (await writer.app.inject({ url: '/api/notifications', headers: { cookie: first.cookie } })).json().items.map((n: { type: string }) => n.type);
  t.same([...firstTypes].sort(), ['helpful', 'outcome', 'reply'], 'a replier hears of the outcome even after unwatching, and of the helpful mark');
  const secondTypes = (await writer.app.inject({ url: '/api/notifications', headers: { cookie: second.cookie } })).json().items.map((n: { type: string }) => n.type);
  t.ok(secondTypes.includes('outcome'));
  const authorTypes = (await writer.app.inject({ url: '/api/notifications', headers: { cookie: author.cookie } })).json().items.map((n: { type: string }) => n.type);
  t.notOk(authorTypes.includes('outcome'), 'nobody is notified of their own action');

  // Every mail these events caused: none carries the case's title or text.
  await smtp.waitFor(6);
  await new Promise((r) => setTimeout(r, 300));
  for (const mail of smtp.received) {
    for (const word of SECRET_WORDS) t.notOk(mail.decoded.includes(word), `no "${word}" in "${mail.subject}" to ${mail.to.join(',')}`);
    t.notOk(mail.decoded.includes('Reply one') || mail.decoded.includes('lower dose'), 'no reply or outcome text');
  }
});

t.test('list pages with a cursor; read by id and all', async (t) => {
  const { writer } = await setup(t);
  const author = await signedInUser(writer.app);
  const colleague = await signedInUser(writer.app);
  const kase = await postCase(writer.app, author.cookie);
  for (let i = 0; i < 5; i++) await postReply(writer.app, colleague.cookie, kase.id, `Reply ${i}.`);
  const page1 = (await writer.app.inject({ url: '/api/notifications?limit=3', headers: { cookie: author.cookie } })).json();
  t.equal(page1.items.length, 3);
  t.equal(page1.unread, 5);
  t.ok(page1.nextCursor);
  const page2 = (await writer.app.inject({ url: `/api/notifications?limit=3&cursor=${page1.nextCursor}`, headers: { cookie: author.cookie } })).json();
  t.equal(page2.items.length, 2);
  t.equal(page2.nextCursor, null);
  t.equal(new Set([...page1.items, ...page2.items].map((n: { id: string }) => n.id)).size, 5, 'no repeats across pages');
  t.equal((await writer.app.inject({ url: '/api/notifications?cursor=bogus', headers: { cookie: author.cookie } })).statusCode, 400);

  const read = await writer.app.inject({ method: 'POST', url: '/api/notifications/read', headers: { cookie: author.cookie }, payload: { ids: [page1.items[0].id] } });
  t.equal(read.statusCode, 204);
  t.equal((await writer.app.inject({ url: '/api/notifications', headers: { cookie: author.cookie } })).json().unread, 4);
  // Another user's ids change nothing of theirs.
  await writer.app.inject({ method: 'POST', url: '/api/notifications/read', headers: { cookie: colleague.cookie }, payload: { all: true } });
  t.equal((await writer.app.inject({ url: '/api/notifications', headers: { cookie: author.cookie } })).json().unread, 4);
  await writer.app.inject({ method: 'POST', url: '/api/notifications/read', headers: { cookie: author.cookie }, payload: { all: true } });
  const after = (await writer.app.inject({ url: '/api/notifications', headers: { cookie: author.cookie } })).json();
  t.equal(after.unread, 0);
  t.ok(after.items.every((n: { readAt: string | null }) => n.readAt));
  t.equal((await writer.app.inject({ method: 'POST', url: '/api/notifications/read', headers: { cookie: author.cookie }, payload: { all: false } })).statusCode, 400);
});

t.test('follows, settings and watching: shapes, rules and roles', async (t) => {
  const { writer } = await setup(t);
  const me = await signedInUser(writer.app);
  const colleague = await signedInUser(writer.app);
  const applicant = await signedInUser(writer.app, { role: 'applicant' });

  t.same((await writer.app.inject({ url: '/api/me/follows', headers: { cookie: me.cookie } })).json(), { specialties: [], handles: [] });
  const follows = await put(writer.app, me, '/api/me/follows', { specialties: ['nephrology', 'cardiology'], handles: [colleague.user.handle] });
  t.same(follows.json(), { specialties: ['cardiology', 'nephrology'], handles: [colleague.user.handle] });
  const unknown = await put(writer.app, me, '/api/me/follows', { specialties: [], handles: ['Dr. Nobody Here'] });
  t.equal(unknown.statusCode, 422);
  t.equal(unknown.json().error.code, 'unknown_handle');
  t.equal((await put(writer.app, me, '/api/me/follows', { specialties: [], handles: [me.user.handle] })).statusCode, 422);
  t.equal((await put(writer.app, me, '/api/me/follows', { specialties: ['astrology'], handles: [] })).statusCode, 422, 'an unknown specialty breaks a rule');

  // A followed colleague's new case (routine) notifies as new_case.
  const kase = await postCase(writer.app, colleague.cookie);
  const mine = (await writer.app.inject({ url: '/api/notifications', headers: { cookie: me.cookie } })).json();
  t.same(mine.items.map((n: { type: string; caseId: string }) => [n.type, n.caseId]), [['new_case', kase.id]]);

  t.same((await writer.app.inject({ url: '/api/me/notification-settings', headers: { cookie: me.cookie } })).json(), {
    email: 'instant',
    urgent: true,
    quietHours: null,
    timeZone: 'UTC',
  });
  const saved = await put(writer.app, me, '/api/me/notification-settings', { email: 'daily', urgent: false, quietHours: { start: '22:00', end: '07:00' }, timeZone: 'Europe/Berlin' });
  t.same(saved.json(), { email: 'daily', urgent: false, quietHours: { start: '22:00', end: '07:00' }, timeZone: 'Europe/Berlin' });
  t.equal((await put(writer.app, me, '/api/me/notification-settings', { email: 'weekly', urgent: true })).statusCode, 422);
  t.equal((await put(writer.app, me, '/api/me/notification-settings', { email: 'off', urgent: true, timeZone: 'Mars/Olympus' })).statusCode, 422);
  t.equal((await put(writer.app, me, '/api/me/notification-settings', { email: 'off', urgent: true, quietHours: { start: '25:00', end: '07:00' } })).statusCode, 422);

  const watch = await writer.app.inject({ method: 'POST', url: `/api/cases/${kase.id}/watch`, headers: { cookie: me.cookie }, payload: { watch: true } });
  t.same(watch.json(), { watching: true });
  t.equal((await writer.app.inject({ method: 'POST', url: `/api/cases/00000000-0000-0000-0000-000000000000/watch`, headers: { cookie: me.cookie }, payload: { watch: true } })).statusCode, 404);
  t.equal((await writer.app.inject({ method: 'POST', url: `/api/cases/not-an-id/watch`, headers: { cookie: me.cookie }, payload: { watch: true } })).statusCode, 404);

  for (const [method, path] of [['GET', '/api/notifications'], ['GET', '/api/me/follows'], ['GET', '/api/me/notification-settings']] as const) {
    t.equal((await writer.app.inject({ method, url: path, headers: { cookie: applicant.cookie } })).statusCode, 403, `${path} is for physicians`);
    t.equal((await writer.app.inject({ method, url: path })).statusCode, 401);
  }
});
