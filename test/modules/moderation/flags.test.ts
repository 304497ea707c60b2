import t from 'tap';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';
import { postCase, postReply } from '../../helpers/cases.js';

async function setup(t: Parameters<typeof createTestApp>[0]) {
  const ctx = await createTestApp(t);
  const author = await signedInUser(ctx.app);
  const replier = await signedInUser(ctx.app);
  const reporter = await signedInUser(ctx.app);
  const moderator = await signedInUser(ctx.app, { role: 'moderator' });
  const kase = await postCase(ctx.app, author.cookie);
  const reply = await postReply(ctx.app, replier.cookie, kase.id, 'An answer with a problem');
  return { ...ctx, author, replier, reporter, moderator, kase, reply };
}

t.test('physicians flag content they can see; moderators see the queue', async (t) => {
  const { app, reporter, moderator, kase, reply, author } = await setup(t);
  const flag = (cookie: string, payload: object) => app.inject({ method: 'POST', url: '/api/flags', headers: { cookie }, payload });

  const res = await flag(reporter.cookie, { targetType: 'reply', targetId: reply.id, reason: 'Might identify the patient' });
  t.equal(res.statusCode, 201);
  t.match(res.json().flag, { targetType: 'reply', targetId: reply.id, reason: 'Might identify the patient', status: 'open' });
  t.equal((await flag(reporter.cookie, { targetType: 'reply', targetId: reply.id, reason: 'again' })).statusCode, 409, 'one open flag per reporter');
  t.equal((await flag(author.cookie, { targetType: 'case', targetId: kase.id, reason: 'Posted in the wrong specialty' })).statusCode, 201);

  t.equal((await flag(reporter.cookie, { targetType: 'case', targetId: 'nope', reason: 'x' })).statusCode, 404);
  t.equal((await flag(reporter.cookie, { targetType: 'reply', targetId: kase.id, reason: 'x' })).statusCode, 404, 'a case id is not a reply');
  t.equal((await flag(reporter.cookie, { targetType: 'user', targetId: kase.id, reason: 'x' })).statusCode, 422);
  t.equal((await flag(reporter.cookie, { targetType: 'case', targetId: kase.id, reason: '' })).statusCode, 422);
  t.equal((await flag(reporter.cookie, { targetType: 'case', targetId: kase.id, reason: 'x', extra: 1 })).statusCode, 400);
  const applicant = await signedInUser(app, { role: 'applicant' });
  t.equal((await flag(applicant.cookie, { targetType: 'case', targetId: kase.id, reason: 'x' })).statusCode, 403);

  t.equal((await app.inject({ url: '/api/moderation/flags', headers: { cookie: reporter.cookie } })).statusCode, 403, 'physicians cannot read the queue');
  const queue = await app.inject({ url: '/api/moderation/flags?status=open', headers: { cookie: moderator.cookie } });
  t.equal(queue.statusCode, 200);
  const items = queue.json().items;
  t.equal(items.length, 2);
  const byType = (type: string) => items.find((item: { targetType: string }) => item.targetType === type);
  t.match(byType('reply'), { targetType: 'reply', reporter: { handle: reporter.user.handle }, target: { caseId: kase.id, deleted: false, reply: { id: reply.id, body: 'An answer with a problem' } } });
  t.match(byType('case'), { targetType: 'case', target: { case: { id: kase.id } } });
  t.same((await app.inject({ url: '/api/moderation/flags?status=dismissed', headers: { cookie: moderator.cookie } })).json().items, []);
});

t.test('hide: the author sees the reason, others do not see the content, moderators see it marked', async (t) => {
  const { app, database, reporter, moderator, kase, reply, replier, author } = await setup(t);
  const second = await signedInUser(app);
  const flagIds = [];
  for (const who of [reporter, second]) {
    flagIds.push((await app.inject({ method: 'POST', url: '/api/flags', headers: { cookie: who.cookie }, payload: { targetType: 'reply', targetId: reply.id, reason: 'Identifying' } })).json().flag.id);
  }
  const decide = (cookie: string, id: string, payload: object) =>
    app.inject({ method: 'POST', url: `/api/moderation/flags/${id}/decision`, headers: { cookie }, payload });
  t.equal((await decide(reporter.cookie, flagIds[0], { action: 'hide', reason: 'x' })).statusCode, 403);
  t.equal((await decide(moderator.cookie, 'nope', { action: 'hide', reason: 'x' })).statusCode, 404);
  t.equal((await decide(moderator.cookie, flagIds[0], { action: 'delete', reason: 'x' })).statusCode, 422);
  const res = await decide(moderator.cookie, flagIds[0], { action: 'hide', reason: 'Contains a rare-disease detail that identifies the patient' });
  t.equal(res.statusCode, 200);
  t.match(res.json().flag, { status: 'hidden', resolution: 'Contains a rare-disease detail that identifies the patient' });
  t.equal((await decide(moderator.cookie, flagIds[0], { action: 'dismiss', reason: 'x' })).statusCode, 409, 'decided once');
  t.equal((await decide(moderator.cookie, flagIds[1], { action: 'dismiss', reason: 'x' })).statusCode, 409, 'hiding closed every open flag on it');

  const threadFor = async (cookie: string) => (await app.inject({ url: `/api/cases/${kase.id}`, headers: { cookie } })).json();
  t.same((await threadFor(reporter.cookie)).replies, [], 'other physicians: the reply is omitted');
  t.equal((await threadFor(reporter.cookie)).case.replyCount, 0, 'and not counted');
  t.match((await threadFor(replier.cookie)).replies[0], { id: reply.id, hidden: true, hiddenReason: 'Contains a rare-disease detail that identifies the patient' });
  const forModerator = (await threadFor(moderator.cookie)).replies[0];
  t.match(forModerator, { id: reply.id, hidden: true });
  const forCaseAuthor = await threadFor(author.cookie);
  t.same(forCaseAuthor.replies, [], 'the case author is not the reply author');

  const vote = await app.inject({ method: 'POST', url: `/api/replies/${reply.id}/vote`, headers: { cookie: reporter.cookie } });
  t.equal(vote.statusCode, 404, 'hidden replies cannot be voted on by those who cannot see them');

  const restore = await app.inject({ method: 'POST', url: `/api/moderation/content/reply/${reply.id}/restore`, headers: { cookie: moderator.cookie }, payload: { reason: 'Author edited it out' } });
  t.equal(restore.statusCode, 200);
  t.match(restore.json().reply, { id: reply.id, hidden: false });
  t.equal((await threadFor(reporter.cookie)).replies.length, 1);
  t.equal((await threadFor(reporter.cookie)).case.replyCount, 1);
  t.equal((await app.inject({ method: 'POST', url: `/api/moderation/content/reply/${reply.id}/restore`, headers: { cookie: moderator.cookie }, payload: { reason: 'again' } })).statusCode, 409, 'not hidden');
  t.equal((await app.inject({ method: 'POST', url: `/api/moderation/content/reply/${reply.id}/restore`, headers: { cookie: reporter.cookie }, payload: { reason: 'x' } })).statusCode, 403);

  const audit = await database.pool.query('select action, actor_id, target_type, data from audit_events order by created_at, action');
  t.same(audit.rows.map((r) => r.action).sort(), ['flag.hidden', 'reply.hidden', 'reply.restored'].sort());
  t.ok(audit.rows.every((r) => r.actor_id === moderator.user.id));
  const events = await database.pool.query('select type, reply_id from case_events where case_id = $1 order by seq', [kase.id]);
  t.same(events.rows.map((r) => r.type), ['reply.created', 'reply.updated', 'reply.updated'], 'hide and restore are live events');
});

t.test('hiding a case: 404 for other physicians, visible with the reason to its author', async (t) => {
  const { app, database, reporter, moderator, kase, author, reply } = await setup(t);
  const hide = await app.inject({ method: 'POST', url: `/api/moderation/content/case/${kase.id}/hide`, headers: { cookie: moderator.cookie }, payload: { reason: 'Date of admission given' } });
  t.equal(hide.statusCode, 200);
  t.match(hide.json().case, { id: kase.id, hidden: true, hiddenReason: 'Date of admission given' });
  t.equal((await app.inject({ url: `/api/cases/${kase.id}`, headers: { cookie: reporter.cookie } })).statusCode, 404);
  const forAuthor = await app.inject({ url: `/api/cases/${kase.id}`, headers: { cookie: author.cookie } });
  t.equal(forAuthor.statusCode, 200);
  t.match(forAuthor.json().case, { hidden: true, hiddenReason: 'Date of admission given' });
  const forModerator = await app.inject({ url: `/api/cases/${kase.id}`, headers: { cookie: moderator.cookie } });
  t.match(forModerator.json().case, { hidden: true });
  t.equal(forModerator.json().replies.length, 1);
  const replyToHidden = await app.inject({ method: 'POST', url: `/api/cases/${kase.id}/replies`, headers: { cookie: author.cookie }, payload: { body: 'More' } });
  t.equal(replyToHidden.statusCode, 409, 'a hidden case takes no replies');
  t.equal((await app.inject({ method: 'POST', url: `/api/cases/${kase.id}/replies`, headers: { cookie: reporter.cookie }, payload: { body: 'More' } })).statusCode, 404);
  t.equal((await app.inject({ method: 'POST', url: '/api/flags', headers: { cookie: reporter.cookie }, payload: { targetType: 'reply', targetId: reply.id, reason: 'x' } })).statusCode, 404, 'nor flags on what one cannot see');

  const flagged = await app.inject({ method: 'POST', url: '/api/flags', headers: { cookie: author.cookie }, payload: { targetType: 'case', targetId: kase.id, reason: 'please look' } });
  const dismissed = await app.inject({ method: 'POST', url: `/api/moderation/flags/${flagged.json().flag.id}/decision`, headers: { cookie: moderator.cookie }, payload: { action: 'dismiss', reason: 'Already handled' } });
  t.match(dismissed.json().flag, { status: 'dismissed', resolution: 'Already handled' });
  t.equal((await app.inject({ method: 'POST', url: `/api/moderation/content/case/${kase.id}/restore`, headers: { cookie: moderator.cookie }, payload: { reason: 'Fixed' } })).statusCode, 200);
  t.equal((await app.inject({ url: `/api/cases/${kase.id}`, headers: { cookie: reporter.cookie } })).statusCode, 200);
  const { rows } = await database.pool.query("select action from audit_events where target_type = 'case' order by created_at");
  t.same(rows.map((r) => r.action), ['case.hidden', 'case.restored']);
});
