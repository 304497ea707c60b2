import pg from 'pg';
import t from 'tap';
import { CASE_EVENTS_CHANNEL } from '../../../src/modules/cases/events.js';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';
import { caseInput, postCase, postReply } from '../../helpers/cases.js';

type Pool = { query: (sql: string, params?: unknown[]) => Promise<{ rows: any[] }> };

const events = async (pool: Pool, caseId: string) =>
  (await pool.query('select seq, type, reply_id from case_events where case_id = $1 order by seq', [caseId])).rows as Array<{
    seq: number;
    type: string;
    reply_id: string | null;
  }>;

t.test('a reply gets the next per-case seq and a case_events row', async (t) => {
  const { app, database } = await createTestApp(t);
  const author = await signedInUser(app);
  const colleague = await signedInUser(app, { specialty: 'nephrology' });
  const kase = await postCase(app, author.cookie);
  const res = await app.inject({ method: 'POST', url: `/api/cases/${kase.id}/replies`, headers: { cookie: colleague.cookie }, payload: { body: 'Use **2.5 mg** BID.' } });
  t.equal(res.statusCode, 201);
  const reply = res.json().reply;
  for (const key of ['id', 'caseId', 'seq', 'body', 'author', 'createdAt', 'votes', 'helpful']) t.ok(key in reply, `reply has ${key}`);
  t.match(reply, { caseId: kase.id, seq: 1, body: 'Use **2.5 mg** BID.', votes: 0, helpful: false });
  t.same(reply.author, { handle: colleague.user.handle, specialty: 'nephrology' });
  t.match(reply.bodyHtml, /<strong>2.5 mg<\/strong>/);
  const second = await postReply(app, author.cookie, kase.id, 'Thanks, that is what I thought.');
  t.equal(second.seq, 2);
  t.same(await events(database.pool, kase.id), [
    { seq: 1, type: 'reply.created', reply_id: reply.id },
    { seq: 2, type: 'reply.created', reply_id: second.id },
  ]);
  const thread = (await app.inject({ url: `/api/cases/${kase.id}`, headers: { cookie: colleague.cookie } })).json();
  t.equal(thread.case.replyCount, 2);
  t.same(thread.replies.map((r: { seq: number }) => r.seq), [1, 2], 'replies in seq order');

  t.equal((await app.inject({ method: 'POST', url: `/api/cases/${kase.id}/replies`, headers: { cookie: colleague.cookie }, payload: { body: 'x', extra: 1 } })).statusCode, 400);
  t.equal((await app.inject({ method: 'POST', url: `/api/cases/${kase.id}/replies`, headers: { cookie: colleague.cookie }, payload: { body: 'x'.repeat(20_001) } })).statusCode, 422);
  t.equal((await app.inject({ method: 'POST', url: '/api/cases/not-a-case/replies', headers: { cookie: colleague.cookie }, payload: { body: 'x' } })).statusCode, 404);
  t.equal((await app.inject({ method: 'POST', url: '/api/cases/00000000-0000-0000-0000-000000000000/replies', headers: { cookie: colleague.cookie }, payload: { body: 'x' } })).statusCode, 404);
  const phi = await app.inject({ method: 'POST', url: `/api/cases/${kase.id}/replies`, headers: { cookie: colleague.cookie }, payload: { body: 'Ask John Smith on 555-867-5309.' } });
  t.equal(phi.statusCode, 422);
  t.equal(phi.json().error.code, 'phi_detected');
  t.equal((await events(database.pool, kase.id)).length, 2, 'refused replies take no seq');
});

t.test('20 concurrent replies get seqs 1..20 exactly once, matching case_events', async (t) => {
  const { app, database } = await createTestApp(t);
  const author = await signedInUser(app);
  const kase = await postCase(app, author.cookie);
  const repliers = await Promise.all(Array.from({ length: 4 }, () => signedInUser(app)));
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      app.inject({ method: 'POST', url: `/api/cases/${kase.id}/replies`, headers: { cookie: repliers[i % 4]!.cookie }, payload: { body: `Answer number ${i}` } }),
    ),
  );
  t.same(results.map((r) => r.statusCode), Array(20).fill(201));
  const replies = results.map((r) => r.json().reply as { id: string; seq: number });
  t.same(replies.map((r) => r.seq).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
  const log = await events(database.pool, kase.id);
  t.same(log.map((e) => e.seq), Array.from({ length: 20 }, (_, i) => i + 1));
  const bySeq = new Map(replies.map((r) => [r.seq, r.id]));
  t.ok(log.every((e) => e.type === 'reply.created' && bySeq.get(e.seq) === e.reply_id), 'each event names the reply with its seq');
  const { rows } = await database.pool.query('select reply_count, last_seq from cases where id = $1', [kase.id]);
  t.same(rows[0], { reply_count: 20, last_seq: 20 });
});

t.test('events are NOTIFYed on commit with ids only', async (t) => {
  const { app, database } = await createTestApp(t);
  const listener = new pg.Client({ connectionString: database.url });
  await listener.connect();
  t.teardown(() => listener.end());
  const received: string[] = [];
  listener.on('notification', (message) => received.push(message.payload ?? ''));
  await listener.query(`listen ${CASE_EVENTS_CHANNEL}`);
  const author = await signedInUser(app);
  const kase = await postCase(app, author.cookie);
  const reply = await postReply(app, (await signedInUser(app)).cookie, kase.id, 'A secret-free answer');
  await app.inject({ method: 'POST', url: `/api/cases/${kase.id}/solved`, headers: { cookie: author.cookie } });
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.same(
    received.map((p) => JSON.parse(p)),
    [
      { caseId: kase.id, seq: 1, type: 'reply.created', replyId: reply.id },
      { caseId: kase.id, seq: 2, type: 'case.updated', replyId: null },
    ],
  );
  t.notOk(received.some((p) => p.includes('secret-free')), 'no text in the payload');
});

t.test('votes: one per physician, toggled, never on your own reply', async (t) => {
  const { app, database } = await createTestApp(t);
  const author = await signedInUser(app);
  const replier = await signedInUser(app);
  const voter = await signedInUser(app);
  const kase = await postCase(app, author.cookie);
  const reply = await postReply(app, replier.cookie, kase.id);
  const vote = (cookie: string, payload?: object) =>
    app.inject({ method: 'POST', url: `/api/replies/${reply.id}/vote`, headers: { cookie }, ...(payload ? { payload } : {}) });

  let res = await vote(voter.cookie);
  t.equal(res.statusCode, 200);
  t.match(res.json(), { votes: 1, voted: true, reply: { id: reply.id, votes: 1, voted: true } });
  res = await vote(author.cookie);
  t.match(res.json(), { votes: 2, voted: true });
  res = await vote(voter.cookie);
  t.match(res.json(), { votes: 1, voted: false }, 'a second vote takes it back');
  res = await vote(voter.cookie, { voted: false });
  t.match(res.json(), { votes: 1, voted: false }, 'setting false twice changes nothing');
  res = await vote(voter.cookie, { voted: true });
  t.match(res.json(), { votes: 2, voted: true });
  res = await vote(voter.cookie, { voted: true });
  t.match(res.json(), { votes: 2, voted: true }, 'one vote per physician');

  res = await vote(replier.cookie);
  t.equal(res.statusCode, 403, 'not on your own reply');
  t.equal(res.json().error.code, 'own_reply');
  t.equal((await app.inject({ method: 'POST', url: '/api/replies/nope/vote', headers: { cookie: voter.cookie } })).statusCode, 404);
  t.equal((await vote(voter.cookie, { up: true })).statusCode, 400);
  const { rows } = await database.pool.query('select count(*)::int as n from reply_votes where reply_id = $1', [reply.id]);
  t.equal(rows[0].n, 2);
  const thread = (await app.inject({ url: `/api/cases/${kase.id}`, headers: { cookie: voter.cookie } })).json();
  t.match(thread.replies[0], { votes: 2, voted: true });
  t.same(
    (await events(database.pool, kase.id)).map((e) => e.type),
    ['reply.created', 'reply.updated', 'reply.updated', 'reply.updated', 'reply.updated'],
    'each count change is a reply.updated event; no-ops are not',
  );
});

t.test('helpful, solved and outcome belong to the case author', async (t) => {
  const { app, database } = await createTestApp(t);
  const author = await signedInUser(app);
  const replier = await signedInUser(app);
  const kase = await postCase(app, author.cookie);
  const reply = await postReply(app, replier.cookie, kase.id);
  const own = await postReply(app, author.cookie, kase.id, 'My own follow-up');

  const helpful = (cookie: string, id = reply.id, payload?: object) =>
    app.inject({ method: 'POST', url: `/api/replies/${id}/helpful`, headers: { cookie }, ...(payload ? { payload } : {}) });
  t.equal((await helpful(replier.cookie)).statusCode, 403, 'not the case author');
  let res = await helpful(author.cookie);
  t.equal(res.statusCode, 200);
  t.equal(res.json().reply.helpful, true);
  t.equal((await helpful(author.cookie)).json().reply.helpful, false, 'toggles');
  t.equal((await helpful(author.cookie, reply.id, { helpful: true })).json().reply.helpful, true);
  t.equal((await helpful(author.cookie, own.id)).statusCode, 403, 'not your own reply');

  const solved = (cookie: string, payload?: object) =>
    app.inject({ method: 'POST', url: `/api/cases/${kase.id}/solved`, headers: { cookie }, ...(payload ? { payload } : {}) });
  t.equal((await solved(replier.cookie)).statusCode, 403);
  res = await solved(author.cookie);
  t.equal(res.statusCode, 200);
  t.equal(res.json().case.status, 'solved');
  t.equal((await solved(author.cookie, { solved: true })).json().case.status, 'solved', 'explicit value is kept');
  t.equal((await solved(author.cookie, { solved: false })).json().case.status, 'open');
  t.equal((await solved(author.cookie)).json().case.status, 'solved', 'no body toggles');

  const outcome = (cookie: string, payload: object) => app.inject({ method: 'POST', url: `/api/cases/${kase.id}/outcome`, headers: { cookie }, payload });
  t.equal((await outcome(replier.cookie, { outcome: 'Went well' })).statusCode, 403);
  const phi = await outcome(author.cookie, { outcome: 'Discharged to John Smith, 555-867-5309.' });
  t.equal(phi.statusCode, 422);
  t.equal(phi.json().error.code, 'phi_detected');
  t.ok(phi.json().error.details.findings.every((f: { field: string }) => f.field === 'outcome'));
  res = await outcome(author.cookie, { outcome: 'Started 2.5 mg twice daily; **no bleeding** at follow-up.' });
  t.equal(res.statusCode, 200);
  t.match(res.json().case, { outcome: 'Started 2.5 mg twice daily; **no bleeding** at follow-up.', outcomeHtml: /<strong>no bleeding<\/strong>/ });
  t.type(res.json().case.outcomeAt, 'string');
  res = await outcome(author.cookie, { outcome: 'Updated: stable at three months.' });
  t.equal(res.json().case.outcome, 'Updated: stable at three months.');
  const revisions = await database.pool.query("select previous from content_revisions where target_type = 'outcome' and target_id = $1", [kase.id]);
  t.equal(revisions.rows[0].previous.outcome, 'Started 2.5 mg twice daily; **no bleeding** at follow-up.', 'the replaced outcome is kept');
  t.equal((await outcome(author.cookie, { outcome: '' })).statusCode, 422);

  const types = (await events(database.pool, kase.id)).map((e) => e.type);
  t.same(types, [
    'reply.created', 'reply.created',
    'reply.updated', 'reply.updated', 'reply.updated',
    'case.updated', 'case.updated', 'case.updated',
    'case.updated', 'case.updated',
  ]);
});

t.test('edits: author only, within 15 minutes, previous version kept, PHI-gated', async (t) => {
  const { app, database, clock } = await createTestApp(t);
  const author = await signedInUser(app);
  const other = await signedInUser(app);
  const kase = await postCase(app, author.cookie);
  const reply = await postReply(app, author.cookie, kase.id, 'First thought');
  clock.advance(60_000);

  const patchCase = (cookie: string, payload: object) => app.inject({ method: 'PATCH', url: `/api/cases/${kase.id}`, headers: { cookie }, payload });
  const patchReply = (cookie: string, payload: object) => app.inject({ method: 'PATCH', url: `/api/replies/${reply.id}`, headers: { cookie }, payload });

  t.equal((await patchCase(other.cookie, { title: 'Hijacked' })).statusCode, 403);
  t.equal((await patchCase(author.cookie, {})).statusCode, 422, 'an empty edit');
  t.equal((await patchCase(author.cookie, { status: 'solved' })).statusCode, 400, 'unknown field');
  t.equal((await patchCase(author.cookie, { body: 'Now with John Smith, 555-867-5309' })).json().error.code, 'phi_detected');
  let res = await patchCase(author.cookie, { title: 'AF with CrCl 28: apixaban dose', age: 93 });
  t.equal(res.statusCode, 200);
  t.match(res.json().case, { title: 'AF with CrCl 28: apixaban dose', age: '90+', body: /new onset AF/ });
  t.type(res.json().case.editedAt, 'string');
  const revision = await database.pool.query("select editor_id, previous from content_revisions where target_type = 'case' and target_id = $1", [kase.id]);
  t.equal(revision.rowCount, 1);
  t.match(revision.rows[0], { editor_id: author.user.id, previous: { title: 'New atrial fibrillation with reduced renal function', age: 58 } });

  t.equal((await patchReply(other.cookie, { body: 'Nope' })).statusCode, 403);
  res = await patchReply(author.cookie, { body: 'Second thought' });
  t.equal(res.statusCode, 200);
  t.match(res.json().reply, { body: 'Second thought', seq: 1 });
  const replyRevision = await database.pool.query("select previous from content_revisions where target_type = 'reply' and target_id = $1", [reply.id]);
  t.same(replyRevision.rows[0].previous, { body: 'First thought' });

  clock.advance(15 * 60_000);
  res = await patchCase(author.cookie, { title: 'Too late' });
  t.equal(res.statusCode, 403);
  t.equal(res.json().error.code, 'edit_window_closed');
  t.equal((await patchReply(author.cookie, { body: 'Too late' })).json().error.code, 'edit_window_closed');
  t.same(
    (await events(database.pool, kase.id)).map((e) => e.type),
    ['reply.created', 'case.updated', 'reply.updated'],
  );
});

t.test('soft delete by the author or a moderator', async (t) => {
  const { app, database } = await createTestApp(t);
  const author = await signedInUser(app);
  const replier = await signedInUser(app);
  const moderator = await signedInUser(app, { role: 'moderator' });
  const kase = await postCase(app, author.cookie);
  const first = await postReply(app, replier.cookie, kase.id, 'First');
  const second = await postReply(app, replier.cookie, kase.id, 'Second');

  t.equal((await app.inject({ method: 'DELETE', url: `/api/replies/${first.id}`, headers: { cookie: author.cookie } })).statusCode, 403, 'the case author cannot delete replies');
  t.equal((await app.inject({ method: 'DELETE', url: `/api/replies/${first.id}`, headers: { cookie: replier.cookie } })).statusCode, 204);
  t.equal((await app.inject({ method: 'DELETE', url: `/api/replies/${first.id}`, headers: { cookie: replier.cookie } })).statusCode, 404, 'already gone');
  t.equal((await app.inject({ method: 'DELETE', url: `/api/replies/${second.id}`, headers: { cookie: moderator.cookie } })).statusCode, 204);
  const thread = (await app.inject({ url: `/api/cases/${kase.id}`, headers: { cookie: author.cookie } })).json();
  t.same(thread.replies, [], 'deleted replies are omitted');
  t.equal(thread.case.replyCount, 0);
  const kept = await database.pool.query('select count(*)::int as n from replies where deleted_at is not null');
  t.equal(kept.rows[0].n, 2, 'rows are kept (soft delete)');

  t.equal((await app.inject({ method: 'DELETE', url: `/api/cases/${kase.id}`, headers: { cookie: replier.cookie } })).statusCode, 403);
  t.equal((await app.inject({ method: 'DELETE', url: `/api/cases/${kase.id}`, headers: { cookie: author.cookie } })).statusCode, 204);
  t.equal((await app.inject({ url: `/api/cases/${kase.id}`, headers: { cookie: author.cookie } })).statusCode, 404);
  t.equal((await app.inject({ url: `/api/cases/${kase.id}`, headers: { cookie: moderator.cookie } })).statusCode, 404);
  t.same((await app.inject({ url: '/api/cases', headers: { cookie: author.cookie } })).json().items, []);
  const audits = await database.pool.query("select action from audit_events where action like '%.deleted' order by created_at");
  t.same(audits.rows.map((r) => r.action).sort(), ['case.deleted', 'reply.deleted', 'reply.deleted']);
});

t.test('posting is limited per account per minute', async (t) => {
  const { app, clock } = await createTestApp(t, { env: { RATE_LIMIT_POSTS_PER_MINUTE: '3' } });
  const poster = await signedInUser(app);
  const other = await signedInUser(app);
  const kase = await postCase(app, poster.cookie);
  await postReply(app, poster.cookie, kase.id, 'one');
  clock.advance(20_000);
  await postReply(app, poster.cookie, kase.id, 'two');
  const limited = await app.inject({ method: 'POST', url: `/api/cases/${kase.id}/replies`, headers: { cookie: poster.cookie }, payload: { body: 'three' } });
  t.equal(limited.statusCode, 429);
  t.equal(limited.json().error.code, 'rate_limited');
  t.equal(limited.headers['retry-after'], '40', 'until the oldest post leaves the window');
  const limitedCase = await app.inject({ method: 'POST', url: '/api/cases', headers: { cookie: poster.cookie }, payload: caseInput() });
  t.equal(limitedCase.statusCode, 429, 'cases count too');
  t.equal((await app.inject({ method: 'POST', url: `/api/cases/${kase.id}/replies`, headers: { cookie: other.cookie }, payload: { body: 'mine' } })).statusCode, 201, 'per account');
  clock.advance(41_000);
  t.equal((await app.inject({ method: 'POST', url: `/api/cases/${kase.id}/replies`, headers: { cookie: poster.cookie }, payload: { body: 'three' } })).statusCode, 201);
});
