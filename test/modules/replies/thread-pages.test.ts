import t from 'tap';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';
import { postCase, postReply } from '../../helpers/cases.js';

t.test('a long thread is read a page at a time, in seq order, each reply once', async (t) => {
  const { app } = await createTestApp(t, { env: { RATE_LIMIT_POSTS_PER_MINUTE: '100' } });
  const author = await signedInUser(app);
  const reader = await signedInUser(app);
  const kase = await postCase(app, author.cookie);
  const posted: number[] = [];
  for (let i = 0; i < 7; i++) posted.push((await postReply(app, reader.cookie, kase.id, `Reply number ${i + 1}: check the potassium first.`)).seq);

  const whole = await app.inject({ url: `/api/cases/${kase.id}`, headers: { cookie: author.cookie } });
  t.equal(whole.statusCode, 200);
  t.same(whole.json().replies.map((r: { seq: number }) => r.seq), posted, 'unpaged: every reply');
  t.notOk('nextAfter' in whole.json(), 'and no continuation');

  const seen: number[] = [];
  let after: number | null = 0;
  let pages = 0;
  while (after !== null) {
    const res = await app.inject({ url: `/api/cases/${kase.id}?limit=3&after=${after}`, headers: { cookie: author.cookie } });
    t.equal(res.statusCode, 200);
    const body = res.json() as { case: { id: string }; replies: Array<{ seq: number; body: string; author: { handle: string } }>; nextAfter: number | null };
    t.equal(body.case.id, kase.id);
    t.ok(body.replies.length <= 3);
    for (const r of body.replies) t.equal(r.author.handle, reader.user.handle);
    seen.push(...body.replies.map((r) => r.seq));
    after = body.nextAfter;
    pages++;
  }
  t.equal(pages, 3, '7 replies in pages of 3');
  t.same(seen, posted, 'pages join up with no gap and no duplicate');

  const bad = await app.inject({ url: `/api/cases/${kase.id}?limit=0`, headers: { cookie: author.cookie } });
  t.ok(bad.statusCode === 400 || bad.statusCode === 422, 'a bad limit is refused');
});

t.test('the one-query thread keeps votes, hidden replies and a missing case as before', async (t) => {
  const { app } = await createTestApp(t);
  const author = await signedInUser(app);
  const voter = await signedInUser(app);
  const kase = await postCase(app, author.cookie);
  const reply = await postReply(app, author.cookie, kase.id);
  t.equal((await app.inject({ method: 'POST', url: `/api/replies/${reply.id}/vote`, headers: { cookie: voter.cookie }, payload: {} })).statusCode, 200);
  const asVoter = (await app.inject({ url: `/api/cases/${kase.id}`, headers: { cookie: voter.cookie } })).json();
  t.equal(asVoter.replies[0].voted, true);
  t.equal(asVoter.replies[0].votes, 1);
  t.equal(asVoter.replies[0].createdAt, reply.createdAt, 'timestamps survive the JSON trip');
  const asAuthor = (await app.inject({ url: `/api/cases/${kase.id}`, headers: { cookie: author.cookie } })).json();
  t.equal(asAuthor.replies[0].voted, false);
  t.equal(asAuthor.replies[0].mine, true);
  const missing = await app.inject({ url: '/api/cases/00000000-0000-4000-8000-000000000000', headers: { cookie: author.cookie } });
  t.equal(missing.statusCode, 404);
});
