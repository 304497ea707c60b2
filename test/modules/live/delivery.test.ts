import t from 'tap';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';
import { createTestDatabase } from '../../helpers/database.js';
import { BUSES, LiveClient, listen, sharedEnv, type BusKind } from '../../helpers/live.js';
import { postCase, postReply } from '../../helpers/threads.js';

/** Two app instances on one database stand for two server processes. */
async function twoProcesses(t: { teardown(fn: () => unknown): void }, bus: BusKind) {
  const database = await createTestDatabase(t, { max: 20 });
  const env = sharedEnv(bus);
  const writer = await createTestApp(t, { database, env });
  const reader = await createTestApp(t, { database, env });
  const url = await listen(reader.app);
  const author = await signedInUser(writer.app);
  const colleague = await signedInUser(writer.app);
  const caseId = await postCase(writer.app, author.cookie);
  return { writer, reader, url, author, colleague, caseId };
}

const seqsOf = (client: LiveClient, caseId: string) =>
  client.messages.filter((m) => m.type === 'reply.created' && m.caseId === caseId).map((m) => m.seq as number);

// Every test runs on both buses, with two app instances each: longer than one file's default.
t.setTimeout(400_000);

for (const bus of BUSES) {
  t.test(`on the ${bus} bus`, async (t) => {
    t.test('a reply written through one process reaches a subscriber on another', async (t) => {
      const { writer, url, author, colleague, caseId } = await twoProcesses(t, bus);
      const client = new LiveClient(url, { cookie: author.cookie });
      t.teardown(() => client.close());
      await client.opened;
      client.send({ type: 'subscribe', caseId });
      t.same(await client.waitFor((m) => m.type === 'subscribed'), { type: 'subscribed', caseId, seq: 0 });

      const posted = await postReply(writer.app, colleague.cookie, caseId, 'Reduce to 2.5 mg bd only if two criteria are met.');
      const event = await client.waitFor((m) => m.type === 'reply.created');
      t.equal(event.caseId, caseId);
      t.equal(event.seq, posted.seq);
      t.equal(event.reply.id, posted.id);
      t.equal(event.reply.body, posted.body);
      t.same(Object.keys(event.reply.author).sort(), ['handle', 'specialty'], 'author is pseudonymous');
      t.equal(event.reply.author.handle, colleague.user.handle);
    });

    t.test('subscribe with since replays what was missed, in order, then streams live', async (t) => {
      const { writer, url, author, colleague, caseId } = await twoProcesses(t, bus);
      for (let i = 1; i <= 5; i++) await postReply(writer.app, colleague.cookie, caseId, `reply ${i}`);
      const client = new LiveClient(url, { cookie: author.cookie });
      t.teardown(() => client.close());
      await client.opened;
      client.send({ type: 'subscribe', caseId, since: 2 });
      const subscribed = await client.waitFor((m) => m.type === 'subscribed');
      t.equal(subscribed.seq, 5);
      t.same(seqsOf(client, caseId), [3, 4, 5], 'missed events first, then subscribed');
      t.equal(client.messages.findIndex((m) => m.type === 'subscribed'), 3);
      await postReply(writer.app, colleague.cookie, caseId, 'reply 6');
      await client.waitFor((m) => m.seq === 6);
      t.same(seqsOf(client, caseId), [3, 4, 5, 6]);
    });

    t.test('reconnecting with since under concurrent writes delivers every seq exactly once, in order', async (t) => {
      const { writer, url, author, caseId } = await twoProcesses(t, bus);
      const writers = await Promise.all([1, 2, 3].map(() => signedInUser(writer.app)));
      const total = 45;
      const writing = (async () => {
        const jobs: Promise<unknown>[] = [];
        for (let i = 0; i < total; i++) {
          jobs.push(postReply(writer.app, writers[i % 3]!.cookie, caseId, `concurrent reply ${i}`));
          if (i % 5 === 4) await new Promise((r) => setTimeout(r, 15));
        }
        await Promise.all(jobs);
      })();

      const received: number[] = [];
      let since = 0;
      for (let round = 0; round < 3; round++) {
        const client = new LiveClient(url, { cookie: author.cookie });
        await client.opened;
        client.send({ type: 'subscribe', caseId, since });
        await client.waitFor((m) => m.type === 'subscribed');
        await new Promise((r) => setTimeout(r, 40));
        client.close();
        await client.closed;
        const seqs = seqsOf(client, caseId);
        received.push(...seqs);
        if (seqs.length) since = seqs[seqs.length - 1]!;
      }
      await writing;
      const last = new LiveClient(url, { cookie: author.cookie });
      t.teardown(() => last.close());
      await last.opened;
      last.send({ type: 'subscribe', caseId, since });
      await last.waitFor((m) => m.type === 'subscribed' && m.seq === total);
      received.push(...seqsOf(last, caseId));

      t.same(received, Array.from({ length: total }, (_, i) => i + 1), 'seq 1..45, each once, in order');
    });

    t.test('every subscriber on both processes gets the same events', async (t) => {
      const { writer, reader, url, author, colleague, caseId } = await twoProcesses(t, bus);
      const writerUrl = await listen(writer.app);
      const clients = [url, url, writerUrl, writerUrl].map((u) => new LiveClient(u, { cookie: author.cookie }));
      t.teardown(() => clients.forEach((c) => c.close()));
      for (const c of clients) {
        await c.opened;
        c.send({ type: 'subscribe', caseId });
        await c.waitFor((m) => m.type === 'subscribed');
      }
      for (let i = 0; i < 10; i++) await postReply(i % 2 ? reader.app : writer.app, colleague.cookie, caseId, `r${i}`);
      for (const c of clients) {
        await c.waitFor((m) => m.seq === 10);
        t.same(seqsOf(c, caseId), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      }
      const presence = await clients[0]!.waitFor((m) => m.type === 'presence' && m.viewers === 4);
      t.equal(presence.caseId, caseId, 'presence counts viewers on both processes');
    });

    t.test('every send re-checks permission: a hidden reply reaches moderators and its author only', async (t) => {
      const { writer, url, author, colleague, caseId } = await twoProcesses(t, bus);
      const moderator = await signedInUser(writer.app, { role: 'moderator' });
      const clients = { physician: author, moderator, replyAuthor: colleague };
      const live = Object.fromEntries(Object.entries(clients).map(([name, who]) => [name, new LiveClient(url, { cookie: who.cookie })]));
      t.teardown(() => Object.values(live).forEach((c) => c.close()));
      for (const c of Object.values(live)) {
        await c.opened;
        c.send({ type: 'subscribe', caseId });
        await c.waitFor((m) => m.type === 'subscribed');
      }
      const reply = await postReply(writer.app, colleague.cookie, caseId, 'A reply a moderator will hide.');
      const hidden = await writer.app.inject({
        method: 'POST',
        url: `/api/moderation/content/reply/${reply.id}/hide`,
        headers: { cookie: moderator.cookie },
        payload: { reason: 'off topic' },
      });
      t.equal(hidden.statusCode, 200, hidden.body);
      const marker = await postReply(writer.app, colleague.cookie, caseId, 'A later reply everyone sees.');

      for (const name of ['moderator', 'replyAuthor', 'physician'] as const) {
        await live[name]!.waitFor((m) => m.type === 'reply.created' && m.seq === marker.seq);
      }
      const updatesOf = (c: LiveClient) => c.messages.filter((m) => m.type === 'reply.updated' && m.reply.id === reply.id);
      t.equal(updatesOf(live.moderator!).length, 1, 'the moderator sees the hide');
      t.equal(updatesOf(live.replyAuthor!).length, 1, 'the author sees the hide (with the reason)');
      t.equal(updatesOf(live.physician!).length, 0, 'another physician does not');

      // Catching up afterwards, the hidden reply is not replayed to an ordinary physician.
      const late = new LiveClient(url, { cookie: author.cookie });
      t.teardown(() => late.close());
      await late.opened;
      late.send({ type: 'subscribe', caseId, since: 0 });
      await late.waitFor((m) => m.type === 'subscribed');
      t.notOk(late.messages.some((m) => m.reply?.id === reply.id), 'not in the replay either');
      t.ok(late.messages.some((m) => m.reply?.id === marker.id), 'visible replies are');
    });

    t.test('hidden or deleted content is removed from readers who may no longer see it', async (t) => {
      const { writer, url, author, colleague, caseId } = await twoProcesses(t, bus);
      const moderator = await signedInUser(writer.app, { role: 'moderator' });
      const reader = await signedInUser(writer.app);
      const clients = { reader: new LiveClient(url, { cookie: reader.cookie }), moderator: new LiveClient(url, { cookie: moderator.cookie }) };
      t.teardown(() => Object.values(clients).forEach((c) => c.close()));
      for (const c of Object.values(clients)) {
        await c.opened;
        c.send({ type: 'subscribe', caseId });
        await c.waitFor((m) => m.type === 'subscribed');
      }
      const reply = await postReply(writer.app, colleague.cookie, caseId, 'Soon hidden.');
      await clients.reader.waitFor((m) => m.type === 'reply.created' && m.reply.id === reply.id);
      const hide = (type: string, id: string) =>
        writer.app.inject({ method: 'POST', url: `/api/moderation/content/${type}/${id}/hide`, headers: { cookie: moderator.cookie }, payload: { reason: 'identifying' } });
      t.equal((await hide('reply', reply.id)).statusCode, 200);
      const removed = await clients.reader.waitFor((m) => m.type === 'reply.removed');
      t.same(removed, { type: 'reply.removed', caseId, seq: reply.seq + 1, replyId: reply.id });
      const kept = await clients.moderator.waitFor((m) => m.type === 'reply.updated' && m.reply.id === reply.id);
      t.equal(kept.reply.hidden, true, 'a moderator still sees it, marked hidden');
      t.notOk(clients.moderator.messages.some((m) => m.type === 'reply.removed'));

      const deleted = await postReply(writer.app, colleague.cookie, caseId, 'Soon deleted by its author.');
      const del = await writer.app.inject({ method: 'DELETE', url: `/api/replies/${deleted.id}`, headers: { cookie: colleague.cookie } });
      t.equal(del.statusCode, 204, del.body);
      for (const c of Object.values(clients)) await c.waitFor((m) => m.type === 'reply.removed' && m.replyId === deleted.id);

      t.equal((await hide('case', caseId)).statusCode, 200);
      const caseRemoved = await clients.reader.waitFor((m) => m.type === 'case.removed');
      t.same(Object.keys(caseRemoved).sort(), ['caseId', 'seq', 'type']);
      t.equal(caseRemoved.caseId, caseId);
      await clients.moderator.waitFor((m) => m.type === 'case.updated' && m.case.hidden === true);
      t.notOk(clients.moderator.messages.some((m) => m.type === 'case.removed'), 'moderators keep the hidden case');
      const before = clients.reader.messages.length;
      await writer.app.inject({ method: 'POST', url: `/api/moderation/content/case/${caseId}/restore`, headers: { cookie: moderator.cookie }, payload: { reason: 'fine' } });
      await clients.moderator.waitFor((m) => m.type === 'case.updated' && m.case.hidden === false);
      t.equal(clients.reader.messages.length, before, 'a removed case sends its former reader nothing more');
    });

    t.test('an event whose signal was lost is still delivered by the periodic check', async (t) => {
      const database = await createTestDatabase(t, { max: 20 });
      const env = { ...sharedEnv(bus), LIVE_SAFETY_CHECK_MS: '200' };
      const writer = await createTestApp(t, { database, env });
      const reader = await createTestApp(t, { database, env });
      const url = await listen(reader.app);
      const author = await signedInUser(writer.app);
      const caseId = await postCase(writer.app, author.cookie);
      const client = new LiveClient(url, { cookie: author.cookie });
      t.teardown(() => client.close());
      await client.opened;
      client.send({ type: 'subscribe', caseId });
      await client.waitFor((m) => m.type === 'subscribed');
      // The process dies between commit and publish: nothing is published for these replies.
      const listeners = database.events.rawListeners('committed');
      database.events.removeAllListeners('committed');
      const lost = [await postReply(writer.app, author.cookie, caseId, 'lost signal 1'), await postReply(writer.app, author.cookie, caseId, 'lost signal 2')];
      for (const listener of listeners) database.events.on('committed', listener as () => void);
      await client.waitFor((m) => m.seq === lost[1]!.seq);
      t.same(seqsOf(client, caseId), lost.map((r) => r.seq), 'both, in order, once');
    });
  });
}
