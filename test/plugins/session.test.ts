import t from 'tap';
import { requireClinician, requireModerator } from '../../src/plugins/session.js';
import { IDLE_TIMEOUT_MS } from '../../src/modules/auth/session-types.js';
import { endAllSessions } from '../../src/modules/auth/sessions.js';
import { createTestApp } from '../helpers/app.js';
import { signedInUser } from '../helpers/auth.js';

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
