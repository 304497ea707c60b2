import pg from 'pg';
import t from 'tap';
import { updateUser } from '../../src/modules/users/repo.js';
import { requireClinician, requireModerator } from '../../src/plugins/session.js';
import { IDLE_TIMEOUT_MS } from '../../src/modules/auth/session-types.js';
import { endAllSessions } from '../../src/modules/auth/sessions.js';
import { createTestApp } from '../helpers/app.js';
import { signedInUser } from '../helpers/auth.js';
import { terminateConnections } from '../helpers/database.js';

async function appWithGuardedRoutes(t: { teardown(fn: () => unknown): void }) {
  const ctx = await createTestApp(t);
  ctx.app.get('/test/clinical', { preHandler: requireClinician }, async (request) => ({ handle: request.viewer!.handle }));
  ctx.app.get('/test/moderation', { preHandler: requireModerator }, async () => ({ ok: true }));
  return ctx;
}

t.test('roles are checked on the server', async (t) => {
  const { app } = await appWithGuardedRoutes(t);
  const none = await app.inject({ url: '/test/clinical' });
  t.equal(none.statusCode, 401);
  t.equal(none.json().error.code, 'unauthenticated');

  for (const [role, verification, clinical, moderation] of [
    ['applicant', 'none', 403, 403],
    ['applicant', 'pending', 403, 403],
    ['physician', 'suspended', 403, 403],
    ['physician', 'rejected', 403, 403],
    ['physician', 'verified', 200, 403],
    ['moderator', 'verified', 200, 200],
    ['admin', 'verified', 200, 200],
  ] as const) {
    const { cookie } = await signedInUser(app, { role, verification });
    t.equal((await app.inject({ url: '/test/clinical', headers: { cookie } })).statusCode, clinical, `${role}/${verification} clinical`);
    t.equal((await app.inject({ url: '/test/moderation', headers: { cookie } })).statusCode, moderation, `${role}/${verification} moderation`);
  }
});

t.test('a forged or garbled cookie is treated as no session', async (t) => {
  const { app } = await appWithGuardedRoutes(t);
  const { token } = await signedInUser(app);
  const [h, p] = token.split('.');
  for (const bad of ['garbage', `${h}.${p}.AAAA`, '']) {
    const res = await app.inject({ url: '/test/clinical', headers: { cookie: `curbside_session=${bad}` } });
    t.equal(res.statusCode, 401, `token ${bad.slice(0, 10)}`);
  }
});

t.test('idle timeout slides with use and expires after 30 idle minutes', async (t) => {
  const { app, clock } = await appWithGuardedRoutes(t);
  const { cookie } = await signedInUser(app);
  clock.advance(IDLE_TIMEOUT_MS - 60_000);
  t.equal((await app.inject({ url: '/test/clinical', headers: { cookie } })).statusCode, 200, 'used at 29 minutes');
  clock.advance(IDLE_TIMEOUT_MS - 60_000);
  t.equal((await app.inject({ url: '/test/clinical', headers: { cookie } })).statusCode, 200, 'the window slid');
  clock.advance(IDLE_TIMEOUT_MS);
  t.equal((await app.inject({ url: '/test/clinical', headers: { cookie } })).statusCode, 401, 'idle for 30 minutes');
});

t.test('absolute timeout of 12 hours even when active', async (t) => {
  const { app, clock } = await appWithGuardedRoutes(t);
  const { cookie } = await signedInUser(app);
  for (let hour = 0; hour < 11 * 3; hour++) {
    clock.advance(20 * 60_000);
    t.equal((await app.inject({ url: '/test/clinical', headers: { cookie } })).statusCode, 200);
  }
  for (let step = 0; step < 3; step++) {
    clock.advance(19 * 60_000);
    t.equal((await app.inject({ url: '/test/clinical', headers: { cookie } })).statusCode, 200, 'at 11h57 still valid');
  }
  clock.advance(5 * 60_000);
  t.equal((await app.inject({ url: '/test/clinical', headers: { cookie } })).statusCode, 401, 'past 12 hours');
});

t.test('revoking sessions takes effect at once', async (t) => {
  const { app, clock, database } = await appWithGuardedRoutes(t);
  const { cookie, user } = await signedInUser(app);
  t.equal((await app.inject({ url: '/test/clinical', headers: { cookie } })).statusCode, 200);
  await endAllSessions(database.db, user.id, clock.now(), 'suspended');
  t.equal((await app.inject({ url: '/test/clinical', headers: { cookie } })).statusCode, 401);
});

/** Counts the statements the app sends through its pool while `fn` runs. */
async function statementsDuring(pool: { query: (...args: never[]) => unknown }, fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const original = pool.query;
  pool.query = function (this: unknown, ...args: never[]) {
    const config = args[0] as unknown;
    seen.push(typeof config === 'string' ? config : String((config as { text?: string }).text));
    return (original as (...a: never[]) => unknown).apply(this, args);
  } as typeof pool.query;
  try {
    await fn();
  } finally {
    pool.query = original;
  }
  return seen;
}

/** Waits (without a deadline assertion) until the cache no longer holds the token. */
async function untilForgotten(app: { viewerCache: { get(token: string): unknown } }, token: string): Promise<void> {
  for (let i = 0; i < 500 && app.viewerCache.get(token); i++) await new Promise((r) => setTimeout(r, 10));
}

t.test('a session checked less than a minute ago is not read or written again', async (t) => {
  const { app, clock, database } = await appWithGuardedRoutes(t);
  const { cookie } = await signedInUser(app);
  t.equal((await app.inject({ url: '/test/clinical', headers: { cookie } })).statusCode, 200);
  const cached = await statementsDuring(database.pool, async () => {
    for (let i = 0; i < 5; i++) t.equal((await app.inject({ url: '/test/clinical', headers: { cookie } })).statusCode, 200);
  });
  t.same(cached, [], 'no statement for a session checked moments ago');

  clock.advance(61_000);
  const touched = await statementsDuring(database.pool, async () => {
    t.equal((await app.inject({ url: '/test/clinical', headers: { cookie } })).statusCode, 200);
    t.equal((await app.inject({ url: '/test/clinical', headers: { cookie } })).statusCode, 200);
  });
  t.equal(touched.filter((sql) => /^select/i.test(sql)).length, 1, 'read again once the minute is up');
  t.equal(touched.filter((sql) => /^update "sessions"/i.test(sql)).length, 1, 'and touched once, not per request');
});

t.test('a revocation or role change made outside this process drops the cached viewer', async (t) => {
  const { app, database } = await appWithGuardedRoutes(t);
  const other = new pg.Client({ connectionString: database.url });
  await other.connect();
  t.teardown(() => other.end());

  const revoked = await signedInUser(app);
  t.equal((await app.inject({ url: '/test/clinical', headers: { cookie: revoked.cookie } })).statusCode, 200);
  t.ok(app.viewerCache.get(revoked.token), 'cached after the first request');
  await other.query(`update sessions set revoked_at = now(), revoked_reason = 'elsewhere' where user_id = $1`, [revoked.user.id]);
  await untilForgotten(app, revoked.token);
  t.equal((await app.inject({ url: '/test/clinical', headers: { cookie: revoked.cookie } })).statusCode, 401);

  const suspended = await signedInUser(app);
  t.equal((await app.inject({ url: '/test/clinical', headers: { cookie: suspended.cookie } })).statusCode, 200);
  await other.query(`update users set verification = 'suspended' where id = $1`, [suspended.user.id]);
  await untilForgotten(app, suspended.token);
  t.equal((await app.inject({ url: '/test/clinical', headers: { cookie: suspended.cookie } })).statusCode, 403);

  const promoted = await signedInUser(app);
  t.equal((await app.inject({ url: '/test/moderation', headers: { cookie: promoted.cookie } })).statusCode, 403);
  await other.query(`update users set role = 'moderator' where id = $1`, [promoted.user.id]);
  await untilForgotten(app, promoted.token);
  t.equal((await app.inject({ url: '/test/moderation', headers: { cookie: promoted.cookie } })).statusCode, 200);
});

t.test('a change made in this process is forgotten before it returns', async (t) => {
  const { app, database } = await appWithGuardedRoutes(t);
  const { cookie, user } = await signedInUser(app);
  t.equal((await app.inject({ url: '/test/clinical', headers: { cookie } })).statusCode, 200);
  await updateUser(database.db, user.id, { verification: 'suspended' });
  t.equal((await app.inject({ url: '/test/clinical', headers: { cookie } })).statusCode, 403);
});

t.test('without its listener the cache is off, and it starts empty again after reconnecting', async (t) => {
  const { app, database } = await appWithGuardedRoutes(t);
  const { cookie, token } = await signedInUser(app);
  t.equal((await app.inject({ url: '/test/clinical', headers: { cookie } })).statusCode, 200);
  t.ok(app.viewerCache.get(token));
  t.equal(await terminateConnections(database.pool, app.viewerCache.applicationName), 1, 'the listening connection is cut');
  for (let i = 0; i < 500 && app.viewerCache.enabled; i++) await new Promise((r) => setTimeout(r, 10));
  t.notOk(app.viewerCache.enabled, 'off while not listening');
  t.notOk(app.viewerCache.get(token), 'and emptied');
  const read = await statementsDuring(database.pool, async () => {
    t.equal((await app.inject({ url: '/test/clinical', headers: { cookie } })).statusCode, 200);
  });
  t.ok(read.length >= 1, 'the session is read from the database meanwhile');
  for (let i = 0; i < 500 && !app.viewerCache.enabled; i++) await new Promise((r) => setTimeout(r, 20));
  t.ok(app.viewerCache.enabled, 'back on after reconnecting');
  t.notOk(app.viewerCache.get(token), 'starting empty');
});
