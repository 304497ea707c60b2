import t from 'tap';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';
import { caseInput, postCase, postReply } from '../../helpers/cases.js';

/** Deterministic PRNG (mulberry32) so a failure reproduces with the same seed. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  return { next, int, pick };
}

const SEED = 20261125;
const REQUESTS = 600;
const TABLES = ['cases', 'replies', 'reply_votes', 'content_revisions', 'phi_acknowledgements', 'case_events', 'flags', 'audit_events'];
const FIELDS = ['title', 'age', 'sex', 'specialty', 'urgency', 'body', 'question', 'acknowledge', 'outcome', 'solved', 'helpful', 'voted', 'targetType', 'targetId', 'reason', 'field', 'start', 'end', '__proto__', 'constructor', 'id', 'authorId', 'status'];
const STRINGS = ['', ' ', '90+', 'female', 'urgent', 'cardiology', 'case', 'reply', 'body', 'x'.repeat(20_001), 'é\u0000\ud800', "'; drop table cases; --", '<script>alert(1)</script>', 'John Smith 555-867-5309', '00000000-0000-0000-0000-000000000000', 'null', '{}'];
const NUMBERS = [0, -1, 1, 89, 90, 131, 1e308, -1e308, 0.5, 2 ** 31, 2 ** 53 + 1];

t.test('random JSON to every case and reply route: never a 5xx, and a refusal changes no row', async (t) => {
  const { app, database } = await createTestApp(t);
  const author = await signedInUser(app);
  const other = await signedInUser(app);
  const moderator = await signedInUser(app, { role: 'moderator' });
  const kase = await postCase(app, author.cookie);
  const reply = await postReply(app, other.cookie, kase.id);
  const rand = prng(SEED);

  const value = (depth = 0): unknown => {
    switch (rand.int(depth > 2 ? 4 : 7)) {
      case 0: return null;
      case 1: return rand.next() < 0.5;
      case 2: return rand.pick(NUMBERS);
      case 3: return rand.pick(STRINGS);
      case 4: return Array.from({ length: rand.int(4) }, () => value(depth + 1));
      case 5: return { field: rand.pick(['body', 'title', 'x']), start: rand.pick(NUMBERS), end: rand.pick(NUMBERS) };
      default: return Object.fromEntries(Array.from({ length: rand.int(5) }, () => [rand.pick(FIELDS), value(depth + 1)]));
    }
  };
  const validBodies: Record<string, () => Record<string, unknown>> = {
    case: () => caseInput(),
    reply: () => ({ body: 'A thoughtful answer.' }),
    outcome: () => ({ outcome: 'Recovered.' }),
    flag: () => ({ targetType: 'reply', targetId: reply.id, reason: 'Check this' }),
    toggle: () => ({}),
  };
  /**
   * A third of the time anything; a third a valid body with one string field made hostile
   * (NUL, lone surrogate, huge, markup); otherwise a valid body with one field broken, dropped or added.
   */
  const body = (kind: keyof typeof validBodies): unknown => {
    const mode = rand.next();
    if (mode < 0.33) return value();
    if (mode < 0.66) {
      const valid = validBodies[kind]!();
      const strings = Object.keys(valid).filter((key) => typeof valid[key] === 'string');
      if (strings.length > 0) {
        const key = rand.pick(strings);
        valid[key] = rand.pick([`${valid[key]}\u0000`, `\ud800${valid[key]}`, rand.pick(STRINGS), `${valid[key]}`.repeat(1000)]);
      }
      return valid;
    }
    const valid = validBodies[kind]!();
    const key = rand.next() < 0.7 && Object.keys(valid).length > 0 ? rand.pick(Object.keys(valid)) : rand.pick(FIELDS);
    if (rand.next() < 0.25) delete valid[key];
    else valid[key] = value(1);
    return valid;
  };
  const id = () => rand.pick([kase.id, reply.id, '00000000-0000-0000-0000-000000000000', 'not-an-id', '%00', '1'.repeat(99)]);
  const routes: Array<() => { method: 'POST' | 'PATCH' | 'DELETE' | 'GET'; url: string; payload?: unknown }> = [
    () => ({ method: 'POST', url: '/api/cases', payload: body('case') }),
    () => ({ method: 'PATCH', url: `/api/cases/${id()}`, payload: body('case') }),
    () => ({ method: 'POST', url: `/api/cases/${id()}/replies`, payload: body('reply') }),
    () => ({ method: 'POST', url: `/api/cases/${id()}/solved`, payload: body('toggle') }),
    () => ({ method: 'POST', url: `/api/cases/${id()}/outcome`, payload: body('outcome') }),
    () => ({ method: 'PATCH', url: `/api/replies/${id()}`, payload: body('reply') }),
    () => ({ method: 'POST', url: `/api/replies/${id()}/vote`, payload: body('toggle') }),
    () => ({ method: 'POST', url: `/api/replies/${id()}/helpful`, payload: body('toggle') }),
    () => ({ method: 'POST', url: '/api/flags', payload: body('flag') }),
    () => ({ method: 'DELETE', url: `/api/replies/${rand.pick(['00000000-0000-0000-0000-000000000000', 'x'])}` }),
    () => ({ method: 'DELETE', url: `/api/cases/${rand.pick(['00000000-0000-0000-0000-000000000000', 'x'])}` }),
    () => ({ method: 'GET', url: `/api/cases/${id()}` }),
    () => ({
      method: 'GET',
      url: `/api/cases?${new URLSearchParams({ q: rand.next() < 0.3 ? 'heart\u0000' : String(value()), filter: String(rand.pick([...STRINGS, 'urgent', 'solved'])), cursor: String(rand.pick([...STRINGS, 'eyJ0IjoxfQ'])), limit: String(rand.pick(NUMBERS)) })}`,
    }),
  ];

  const snapshot = async () => {
    const sums = await Promise.all(
      TABLES.map(async (table) => (await database.pool.query(`select count(*) as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as sum from ${table} t`)).rows[0]),
    );
    return JSON.stringify(sums);
  };

  let before = await snapshot();
  const statuses = new Map<number, number>();
  for (let i = 0; i < REQUESTS; i++) {
    const request = rand.pick(routes)();
    const cookie = rand.pick([author.cookie, other.cookie, moderator.cookie]);
    const raw = rand.next() < 0.05;
    const res = await app.inject({
      method: request.method,
      url: request.url,
      headers: { cookie, ...(raw ? { 'content-type': 'application/json' } : {}) },
      ...(request.payload === undefined ? {} : raw ? { payload: JSON.stringify(request.payload).slice(0, rand.int(40)) } : { payload: request.payload as object }),
    });
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    if (res.statusCode >= 500) {
      t.fail(`${request.method} ${request.url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
      continue;
    }
    const after = await snapshot();
    if (res.statusCode >= 400) {
      if (after !== before) t.fail(`${request.method} ${request.url} was refused with ${res.statusCode} but changed rows`);
      t.equal(typeof res.json().error?.code, 'string', 'refusals carry the error body');
    }
    before = after;
  }
  t.comment(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  t.ok([...statuses.keys()].some((s) => s < 300), 'some random writes were accepted');
  t.ok([...statuses.keys()].includes(400) && [...statuses.keys()].includes(422) && [...statuses.keys()].includes(404), 'refusals of every kind were exercised');
});
