import t from 'tap';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';
import { postCase, postReply } from '../../helpers/cases.js';

type Item = { id: string; title: string; createdAt: string };

async function listAll(app: Parameters<typeof postCase>[0], cookie: string, query: string, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url: string = `/api/cases?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await app.inject({ url, headers: { cookie } });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    const page = res.json() as { items: Item[]; nextCursor: string | null };
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return { ids, pages };
}

t.test('keyset pages cover every case once, even when timestamps are equal', async (t) => {
  const { app, clock } = await createTestApp(t, { env: { RATE_LIMIT_POSTS_PER_MINUTE: '1000' } });
  const { cookie } = await signedInUser(app);
  // The test clock stands still: groups of cases share the exact same created_at.
  const created: string[] = [];
  for (let group = 0; group < 5; group++) {
    for (let i = 0; i < 9; i++) created.push((await postCase(app, cookie, { title: `Case ${group}-${i}` })).id);
    clock.advance(1000);
  }
  for (const limit of [1, 4, 7, 20, 50]) {
    const { ids, pages } = await listAll(app, cookie, 'filter=newest', limit);
    t.equal(ids.length, created.length, `limit ${limit}: no gaps`);
    t.equal(new Set(ids).size, ids.length, `limit ${limit}: no duplicates`);
    t.equal(pages, Math.ceil(created.length / limit), `limit ${limit}: page count`);
  }
  const first = (await app.inject({ url: '/api/cases', headers: { cookie } })).json();
  t.equal(first.items.length, 20, 'default page size 20');
  t.type(first.nextCursor, 'string');
  const dates = first.items.map((i: Item) => Date.parse(i.createdAt));
  t.same(dates, [...dates].sort((a, b) => b - a), 'newest first');
  t.ok(created.slice(36).every((id) => first.items.some((i: Item) => i.id === id)), 'the newest group is on the first page');

  t.equal((await app.inject({ url: '/api/cases?limit=51', headers: { cookie } })).statusCode, 422, 'limit is capped at 50');
  t.equal((await app.inject({ url: '/api/cases?limit=0', headers: { cookie } })).statusCode, 422);
  const forged = (key: object) => Buffer.from(JSON.stringify(key)).toString('base64url');
  const zero = '00000000-0000-0000-0000-000000000000';
  for (const bad of [
    'garbage',
    'eyJ0IjoieCJ9',
    forged({ t: '2026-02-30T10:00:00.000000', i: zero }),
    forged({ t: '0000-01-01T00:00:00.000000', i: zero }),
    forged({ t: '2026-01-01T00:00:00.000000', i: 'nope' }),
    forged([1, 2]),
  ]) {
    const res = await app.inject({ url: `/api/cases?cursor=${bad}`, headers: { cookie } });
    t.equal(res.statusCode, 400, `bad cursor ${bad.slice(0, 12)}`);
  }
  for (const r of [1e308, -1, 1e39]) {
    const res = await app.inject({ url: `/api/cases?q=case&cursor=${forged({ r, t: '2026-01-01T00:00:00.000000', i: zero })}`, headers: { cookie } });
    t.equal(res.statusCode, 400, `forged rank ${r}`);
  }
  const plainCursor = first.nextCursor;
  t.equal((await app.inject({ url: `/api/cases?q=case&cursor=${plainCursor}`, headers: { cookie } })).statusCode, 400, 'a list cursor is not a search cursor');
});

t.test('filters and specialty combine', async (t) => {
  const { app, clock } = await createTestApp(t, { env: { RATE_LIMIT_POSTS_PER_MINUTE: '1000' } });
  const author = await signedInUser(app);
  const colleague = await signedInUser(app);
  const make = async (title: string, overrides: Record<string, unknown>) => {
    clock.advance(1000);
    return (await postCase(app, author.cookie, { title, ...overrides })).id;
  };
  const cardioRoutine = await make('Cardio routine', { specialty: 'cardiology' });
  const cardioUrgent = await make('Cardio urgent', { specialty: 'cardiology', urgency: 'urgent' });
  const renalUrgent = await make('Renal urgent', { specialty: 'nephrology', urgency: 'urgent' });
  const renalSolved = await make('Renal solved', { specialty: 'nephrology' });
  await postReply(app, colleague.cookie, cardioUrgent);
  await postReply(app, colleague.cookie, renalSolved);
  await app.inject({ method: 'POST', url: `/api/cases/${renalSolved}/solved`, headers: { cookie: author.cookie } });

  const ids = async (query: string) => (await app.inject({ url: `/api/cases?${query}`, headers: { cookie: colleague.cookie } })).json().items.map((i: Item) => i.id);
  t.same(await ids(''), [renalSolved, renalUrgent, cardioUrgent, cardioRoutine], 'newest by default');
  t.same(await ids('filter=newest'), [renalSolved, renalUrgent, cardioUrgent, cardioRoutine]);
  t.same(await ids('filter=unanswered'), [renalUrgent, cardioRoutine]);
  t.same(await ids('filter=urgent'), [renalUrgent, cardioUrgent]);
  t.same(await ids('filter=solved'), [renalSolved]);
  t.same(await ids('specialty=cardiology'), [cardioUrgent, cardioRoutine]);
  t.same(await ids('specialty=nephrology&filter=urgent'), [renalUrgent]);
  t.same(await ids('specialty=cardiology&filter=unanswered'), [cardioRoutine]);
  t.same(await ids('specialty=cardiology&filter=solved'), []);
  t.same(await ids('specialty=&filter=&q='), [renalSolved, renalUrgent, cardioUrgent, cardioRoutine], 'empty form fields mean no filter');
  t.same(await ids('q=renal&filter=urgent'), [renalUrgent], 'search and filter combine');
  t.equal((await app.inject({ url: '/api/cases?filter=oldest', headers: { cookie: colleague.cookie } })).statusCode, 422);
  t.equal((await app.inject({ url: '/api/cases?specialty=astrology', headers: { cookie: colleague.cookie } })).statusCode, 422);
});

t.test('full-text search ranks title over question over body, then recency', async (t) => {
  const { app, clock } = await createTestApp(t, { env: { RATE_LIMIT_POSTS_PER_MINUTE: '1000' } });
  const { cookie } = await signedInUser(app);
  const make = async (fields: Record<string, unknown>) => {
    clock.advance(1000);
    return (await postCase(app, cookie, fields)).id;
  };
  const inBody = await make({ title: 'Chest pain', question: 'Next step?', body: 'Troponin negative; considering sarcoidosis workup.' });
  const inTitle = await make({ title: 'Cardiac sarcoidosis suspected', question: 'Next step?', body: 'Young patient with heart block.' });
  const inQuestion = await make({ title: 'Heart block', question: 'Would you test for sarcoidosis?', body: 'PR interval prolonged.' });
  const unrelated = await make({ title: 'Gout flare', question: 'Colchicine dose?', body: 'Renal function normal.' });
  const inTitleOlder = inTitle;
  const inTitleNewer = await make({ title: 'Sarcoidosis of the heart', question: 'Imaging?', body: 'Nothing else.' });

  const search = async (q: string, extra = '') =>
    (await app.inject({ url: `/api/cases?q=${encodeURIComponent(q)}${extra}`, headers: { cookie } })).json() as { items: Item[]; nextCursor: string | null };
  const result = await search('sarcoidosis');
  const ids = result.items.map((i) => i.id);
  t.notOk(ids.includes(unrelated), 'non-matching cases are left out');
  t.same(ids.slice(2), [inQuestion, inBody], 'question matches outrank body matches');
  t.same(new Set(ids.slice(0, 2)), new Set([inTitleOlder, inTitleNewer]), 'title matches first');
  t.equal(ids[0], inTitleNewer, 'equal rank: newer first');

  const websearch = await search('"heart block" -sarcoidosis');
  t.same(websearch.items.map((i) => i.id), [], 'websearch syntax: phrase and exclusion');
  t.same((await search('colchicine OR troponin')).items.map((i) => i.id).sort(), [inBody, unrelated].sort());
  t.same((await search('the of and')).items, [], 'stop words only: nothing, not an error');
  t.equal((await app.inject({ url: `/api/cases?q=${encodeURIComponent("'):*&|!<->")}`, headers: { cookie } })).statusCode, 200, 'tsquery syntax is not injected');

  // Paging through a search with a cursor keeps rank order with no duplicates.
  const all: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await search('sarcoidosis', `&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
    all.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
  } while (cursor);
  t.same(all, ids, 'paged search equals the single page');
});

t.test('hidden and deleted cases in the list', async (t) => {
  const { app, database } = await createTestApp(t);
  const author = await signedInUser(app);
  const other = await signedInUser(app);
  const moderator = await signedInUser(app, { role: 'moderator' });
  const hidden = await postCase(app, author.cookie, { title: 'Hidden one' });
  const deleted = await postCase(app, author.cookie, { title: 'Deleted one' });
  const visible = await postCase(app, author.cookie, { title: 'Visible one' });
  await database.pool.query("update cases set hidden_at = now(), hidden_reason = 'identifiable' where id = $1", [hidden.id]);
  await database.pool.query('update cases set deleted_at = now() where id = $1', [deleted.id]);
  const ids = async (cookie: string) => (await app.inject({ url: '/api/cases', headers: { cookie } })).json().items.map((i: Item) => i.id).sort();
  t.same(await ids(other.cookie), [visible.id]);
  t.same(await ids(author.cookie), [hidden.id, visible.id].sort(), 'the author sees their hidden case');
  t.same(await ids(moderator.cookie), [hidden.id, visible.id].sort(), 'moderators see hidden cases');
  const forAuthor = (await app.inject({ url: '/api/cases', headers: { cookie: author.cookie } })).json().items.find((i: Item) => i.id === hidden.id);
  t.match(forAuthor, { hidden: true, hiddenReason: 'identifiable' });
});
