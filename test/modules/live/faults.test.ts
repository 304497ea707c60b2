import t from 'tap';
import { PgNotifyBus } from '../../../src/modules/live/bus.js';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';
import { createTestDatabase, terminateConnections } from '../../helpers/database.js';
import { LiveClient, listen, sharedEnv } from '../../helpers/live.js';
import { postCase, postReply } from '../../helpers/threads.js';

t.setTimeout(300_000);

/** Two app instances on one database; the periodic safety check is off unless a test wants it. */
async function twoProcesses(t: { teardown(fn: () => unknown): void }) {
  const database = await createTestDatabase(t, { max: 20 });
  const shared = { ...sharedEnv(), LIVE_SAFETY_CHECK_MS: '3600000' };
  const quiet = { warn: () => {}, info: () => {} };
  const readerBus = new PgNotifyBus(database.url, database.pool, quiet);
  const writer = await createTestApp(t, { database, env: shared });
  const reader = await createTestApp(t, { database, env: shared, live: { bus: readerBus } });
  const url = await listen(reader.app);
  const author = await signedInUser(writer.app);
  const caseId = await postCase(writer.app, author.cookie);
  return { writer, reader, readerBus, url, author, caseId };
}

async function subscribed(url: string, cookie: string, caseId: string): Promise<LiveClient> {
  const client = new LiveClient(url, { cookie });
  await client.opened;
  client.send({ type: 'subscribe', caseId });
  await client.waitFor((m) => m.type === 'subscribed');
  return client;
}

t.test('when the listening connection alone drops, what was written meanwhile arrives in order, once, on the same socket', async (t) => {
  const { writer, reader, readerBus, url, author, caseId } = await twoProcesses(t);
  const client = await subscribed(url, author.cookie, caseId);
  t.teardown(() => client.close());
  t.equal(await terminateConnections(reader.database.pool, readerBus.applicationName), 1, "the reader's listening connection is cut");
  // Written while the reader is not listening: their NOTIFYs are gone for good.
  const written: Array<{ id: string; seq: number }> = [];
  for (let i = 0; i < 5; i++) written.push(await postReply(writer.app, author.cookie, caseId, `while deaf ${i}`));
  await client.waitFor((m) => m.seq === written[4]!.seq, 15_000);
  const after = await postReply(writer.app, author.cookie, caseId, 'after the reconnect');
  await client.waitFor((m) => m.seq === after.seq, 15_000);
  const seqs = client.messages.filter((m) => m.type === 'reply.created').map((m) => m.seq);
  t.same(seqs, [...written, after].map((r) => r.seq), 'every reply, in order, once');
  t.equal(client.closeCode, null, 'without reconnecting');
});

t.test('a physician demoted to applicant is closed with 4403 at once, on the other process', async (t) => {
  const { writer, url, caseId } = await twoProcesses(t);
  const admin = await signedInUser(writer.app, { role: 'admin' });
  const physician = await signedInUser(writer.app);
  const client = await subscribed(url, physician.cookie, caseId);
  const res = await writer.app.inject({
    method: 'POST',
    url: `/api/admin/users/${physician.user.id}/role`,
    headers: { cookie: admin.cookie },
    payload: { role: 'applicant' },
  });
  t.equal(res.statusCode, 200, res.body);
  // The periodic re-check is a minute away: only the user-changed event can close it this soon.
  t.equal(await client.closed, 4403);
});

t.test('a moderator demoted to physician stops receiving hidden content with the next event', async (t) => {
  const { writer, url, author, caseId } = await twoProcesses(t);
  const admin = await signedInUser(writer.app, { role: 'admin' });
  const moderator = await signedInUser(writer.app, { role: 'moderator' });
  const colleague = await signedInUser(writer.app);
  const client = await subscribed(url, moderator.cookie, caseId);
  t.teardown(() => client.close());
  const demote = await writer.app.inject({
    method: 'POST',
    url: `/api/admin/users/${moderator.user.id}/role`,
    headers: { cookie: admin.cookie },
    payload: { role: 'physician' },
  });
  t.equal(demote.statusCode, 200, demote.body);
  // Give the user-changed event its moment, then hide a reply as another moderator.
  await new Promise((r) => setTimeout(r, 500));
  const other = await signedInUser(writer.app, { role: 'moderator' });
  const reply = await postReply(writer.app, colleague.cookie, caseId, 'To be hidden.');
  const hide = await writer.app.inject({
    method: 'POST',
    url: `/api/moderation/content/reply/${reply.id}/hide`,
    headers: { cookie: other.cookie },
    payload: { reason: 'identifying' },
  });
  t.equal(hide.statusCode, 200, hide.body);
  const removed = await client.waitFor((m) => m.type === 'reply.removed' && m.replyId === reply.id);
  t.equal(removed.seq, reply.seq + 1);
  t.notOk(client.messages.some((m) => m.type === 'reply.updated' && m.reply.id === reply.id), 'the hidden reply is not sent');
  t.equal(client.closeCode, null, 'still a physician: the socket stays');
  void author;
});

t.test('the live session re-check does not keep an idle session alive', async (t) => {
  const { app, clock } = await createTestApp(t, { env: sharedEnv(), live: { sessionRecheckMs: 100 } });
  const url = await listen(app);
  const { cookie } = await signedInUser(app);
  const caseId = await postCase(app, cookie);
  const client = await subscribed(url, cookie, caseId);
  // 29 minutes of an open page and nothing else; many re-checks run meanwhile.
  for (let minute = 0; minute < 29; minute++) {
    clock.advance(60_000);
    await new Promise((r) => setTimeout(r, 120));
  }
  t.equal(client.closeCode, null, 'still inside the idle window');
  clock.advance(2 * 60_000);
  t.equal(await client.closed, 4401, 'idle after 31 minutes although the page was open');
  const me = await app.inject({ url: '/api/me', headers: { cookie } });
  t.equal(me.statusCode, 401, 'and the session is over for every request');
});
