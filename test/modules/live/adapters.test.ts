import t from 'tap';
import type { Viewer } from '../../../src/modules/auth/session-types.js';
import { authenticateToken } from '../../../src/modules/auth/sessions.js';
import { latestCaseSeq, listCaseEventsSince } from '../../../src/modules/cases/events.js';
import { presentReply } from '../../../src/modules/replies/presenters.js';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';
import { postCase, postReply } from '../../helpers/cases.js';

t.test('what the live module builds on: replay since a seq, readable content per viewer', async (t) => {
  const { app, database } = await createTestApp(t);
  const author = await signedInUser(app);
  const replier = await signedInUser(app);
  const moderator = await signedInUser(app, { role: 'moderator' });
  const kase = await postCase(app, author.cookie);
  const first = await postReply(app, replier.cookie, kase.id, 'First');
  const second = await postReply(app, replier.cookie, kase.id, 'Second');
  await app.inject({ method: 'POST', url: `/api/replies/${first.id}/vote`, headers: { cookie: author.cookie } });
  const db = database.db;
  const findReadableReply = (_db: unknown, viewer: Viewer, replyId: string) => app.services.replies.findReadable({ viewer, replyId });
  const findReadableCase = (_db: unknown, viewer: Viewer, caseId: string) => app.services.cases.findReadable({ viewer, caseId });

  t.equal(await latestCaseSeq(db, kase.id), 3);
  t.equal(await latestCaseSeq(db, '00000000-0000-0000-0000-000000000000'), undefined);
  t.same(await listCaseEventsSince(db, kase.id, 1), [
    { caseId: kase.id, seq: 2, type: 'reply.created', replyId: second.id },
    { caseId: kase.id, seq: 3, type: 'reply.updated', replyId: first.id },
  ]);
  t.same(await listCaseEventsSince(db, kase.id, 3), [], 'nothing twice');

  const viewerOf = (cookie: string) => authenticateToken(db, app.deps.config.SESSION_SECRET, cookie.split('=')[1]!, app.deps.clock.now());
  const authorViewer = (await viewerOf(author.cookie))!;
  const reply = await findReadableReply(db, authorViewer, first.id);
  t.ok(reply);
  const sameAsRest = (await app.inject({ url: `/api/cases/${kase.id}`, headers: { cookie: author.cookie } })).json().replies[0];
  t.same(presentReply(reply!, authorViewer), sameAsRest, 'same shape as the REST reply');

  await app.inject({ method: 'POST', url: `/api/moderation/content/reply/${first.id}/hide`, headers: { cookie: moderator.cookie }, payload: { reason: 'x' } });
  t.equal(await findReadableReply(db, authorViewer, first.id), undefined, 'hidden from the case author');
  t.ok(await findReadableReply(db, (await viewerOf(replier.cookie))!, first.id), 'visible to its author');
  t.ok(await findReadableReply(db, (await viewerOf(moderator.cookie))!, first.id), 'and to moderators');
  t.ok(await findReadableCase(db, authorViewer, kase.id));
  t.equal(await findReadableCase(db, authorViewer, 'nope'), undefined);
});
