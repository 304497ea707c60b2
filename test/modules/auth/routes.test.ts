import t from 'tap';
import { createTestApp } from '../../helpers/app.js';
import { goodPassword, sessionCookieFrom } from '../../helpers/http.js';
import { checkLoginThrottle, emailKeyOf, slowdownMs } from '../../../src/modules/auth/throttle.js';

type App = Awaited<ReturnType<typeof createTestApp>>['app'];

async function registerUser(app: App, email: string, password = goodPassword(), remoteAddress?: string) {
  const res = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password }, ...(remoteAddress ? { remoteAddress } : {}) });
  return { res, password, cookie: sessionCookieFrom(res) };
}

function login(app: App, email: string, password: string, remoteAddress = '127.0.0.1') {
  return app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress });
}


t.test('register, me, logout, login', async (t) => {
  const { app, database } = await createTestApp(t);
  const { res, password, cookie } = await registerUser(app, 'Ada.Lovelace@Example.org');
  t.equal(res.statusCode, 201);
  const { user } = res.json();
  t.match(user, { handle: /^Dr\. \w+ \w+/, role: 'applicant', verification: 'none', specialty: null, email: 'Ada.Lovelace@Example.org' });
  t.notOk('passwordHash' in user, 'no password hash leaves the server');
  t.ok(cookie, 'register sets the session cookie');

  const me = await app.inject({ url: '/api/me', headers: { cookie: cookie! } });
  t.equal(me.statusCode, 200);
  t.same(Object.keys(me.json().user).sort(), ['email', 'handle', 'id', 'role', 'specialty', 'statusReason', 'verification']);
  t.equal(me.json().user.id, user.id);

  const stored = await database.pool.query('select password_hash from users where id = $1', [user.id]);
  t.match(stored.rows[0].password_hash, /^\$argon2id\$v=19\$m=19456,p=1,t=2\$/, 'argon2id with the stated parameters');

  const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: cookie! } });
  t.equal(out.statusCode, 204);
  t.match(out.headers['set-cookie'], /curbside_session=;/, 'the cookie is cleared');
  t.equal((await app.inject({ url: '/api/me', headers: { cookie: cookie! } })).statusCode, 401, 'the old cookie no longer works');
  const revoked = await database.pool.query('select revoked_at, revoked_reason from sessions where user_id = $1', [user.id]);
  t.ok(revoked.rows[0].revoked_at, 'the session row is revoked');
  t.equal(revoked.rows[0].revoked_reason, 'logout');

  const again = await login(app, 'ada.lovelace@example.ORG', password);
  t.equal(again.statusCode, 200, 'login is case-insensitive on the email');
  t.equal(again.json().user.id, user.id);
  const newCookie = sessionCookieFrom(again);
  t.equal((await app.inject({ url: '/api/me', headers: { cookie: newCookie! } })).statusCode, 200);

  t.equal((await app.inject({ url: '/api/me' })).statusCode, 401, 'no session: 401');
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/logout' })).statusCode, 401);
  const jsonLogout = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: newCookie!, 'content-type': 'application/json' } });
  t.equal(jsonLogout.statusCode, 204, 'a JSON content type with no body is fine for logout');
  t.equal((await app.inject({ url: '/api/me', headers: { cookie: newCookie! } })).statusCode, 401);

  const audit = await database.pool.query("select actor_id from audit_events where action = 'auth.registered' and target_id = $1", [user.id]);
  t.equal(audit.rowCount, 1, 'registration is audited');
});

t.test('cookie flags', async (t) => {
  const plain = await createTestApp(t);
  const { res } = await registerUser(plain.app, 'flags@example.org');
  const cookie = res.cookies.find((c) => c.name === 'curbside_session')!;
  t.equal(cookie.httpOnly, true);
  t.equal(cookie.sameSite, 'Lax');
  t.notOk(cookie.secure, 'not Secure over plain http');
  t.equal(cookie.path, '/');

  const https = await createTestApp(t, { env: { PUBLIC_ORIGIN: 'https://curbside.example' } });
  const secure = (await registerUser(https.app, 'flags@example.org')).res.cookies.find((c) => c.name === 'curbside_session')!;
  t.equal(secure.secure, true, 'Secure when served over https');
  t.equal(secure.httpOnly, true);
});

t.test('registration rules', async (t) => {
  const { app } = await createTestApp(t);
  t.equal((await registerUser(app, 'dup@example.org')).res.statusCode, 201);
  const dup = await registerUser(app, 'DUP@Example.org');
  t.equal(dup.res.statusCode, 409, 'the email is unique whatever its case');
  t.equal(dup.res.json().error.code, 'email_taken');
  t.notOk(dup.cookie);

  const short = await registerUser(app, 'short@example.org', 'elevenchars');
  t.equal(short.res.statusCode, 422);
  t.equal(short.res.json().error.code, 'password_too_short');
  t.match(short.res.json().error.message, /at least 12 characters/);

  for (const common of ['password1234', 'qwertyqwerty', 'Iloveyou2024!', '111111111111', '123456123456']) {
    const res = (await registerUser(app, `common-${common.length}-${Math.random()}@example.org`, common)).res;
    t.equal(res.statusCode, 422, `${common} refused`);
    t.equal(res.json().error.code, 'password_too_common');
  }

  const badEmail = await registerUser(app, 'not-an-email');
  t.equal(badEmail.res.statusCode, 422, 'a malformed email breaks a rule');
  const unknown = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: 'x@example.org', password: goodPassword(), role: 'admin' } });
  t.equal(unknown.statusCode, 400, 'unknown fields are refused');
  const missing = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: 'x@example.org' } });
  t.equal(missing.statusCode, 400);
});

t.test('login never tells whether the email exists', async (t) => {
  const { app } = await createTestApp(t, { env: { LOGIN_SLOWDOWN_MS: '0' } });
  await registerUser(app, 'known@example.org');
  const unknown = await login(app, 'nobody@example.org', goodPassword());
  const wrong = await login(app, 'known@example.org', goodPassword());
  t.equal(unknown.statusCode, 401);
  t.equal(wrong.statusCode, 401);
  const strip = (body: { error: { requestId?: string } }) => ({ ...body.error, requestId: undefined });
  t.same(strip(unknown.json()), strip(wrong.json()), 'same body apart from the request id');
  t.equal(unknown.json().error.code, 'invalid_credentials');
  t.notOk(unknown.cookies.length, 'no cookie');

  // Both go through argon2 (a dummy hash for the unknown email); without that the unknown
  // email would answer some twenty times faster. Medians, generous bounds: the machine is shared.
  const median = async (email: string) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await login(app, email, goodPassword(), `10.7.0.${i}`);
      times.push(performance.now() - started);
    }
    return times.sort((a, b) => a - b)[2]!;
  };
  const unknownMs = await median('nobody-else@example.org');
  const wrongMs = await median('known@example.org');
  t.ok(unknownMs > wrongMs * 0.4 && unknownMs < wrongMs * 2.5, `alike time: unknown ${unknownMs.toFixed(0)} ms, wrong ${wrongMs.toFixed(0)} ms`);
});

t.test('failed logins per account and address: that pair is refused with 429 and Retry-After', async (t) => {
  const { app, clock, database } = await createTestApp(t, { env: { LOGIN_SLOWDOWN_MS: '0' } });
  const { password } = await registerUser(app, 'target@example.org');
  for (let i = 0; i < 10; i++) {
    t.equal((await login(app, 'target@example.org', goodPassword(), '10.1.0.1')).statusCode, 401);
  }
  const refused = await login(app, 'TARGET@example.org', password, '10.1.0.1');
  t.equal(refused.statusCode, 429, 'even the right password is refused from the address that failed');
  t.equal(refused.json().error.code, 'rate_limited');
  const retryAfter = Number(refused.headers['retry-after']);
  t.ok(retryAfter > 800 && retryAfter <= 900, `Retry-After ${retryAfter}s is about 15 minutes`);
  t.equal((await login(app, 'target@example.org', password, '10.2.0.1')).statusCode, 200, 'the holder elsewhere is never locked out');

  const { rows } = await database.pool.query('select email_key from login_failures limit 1');
  t.match(rows[0].email_key, /^[0-9a-f]{64}$/, 'failures are keyed by a hash, not the typed email');

  clock.advance(15 * 60 * 1000 + 1000);
  t.equal((await login(app, 'target@example.org', password, '10.1.0.1')).statusCode, 200, 'the window passes');
});

t.test('failures from a shared address never stop a colleague who has not failed from it', async (t) => {
  const { app } = await createTestApp(t, { env: { LOGIN_SLOWDOWN_MS: '0', RATE_LIMIT_LOGIN_FAILURES: '5' } });
  const { password } = await registerUser(app, 'colleague@example.org');
  for (let i = 0; i < 20; i++) {
    t.equal((await login(app, `spray-${i % 4}@example.org`, goodPassword(), '10.9.9.9')).statusCode, 401);
  }
  t.equal((await login(app, 'spray-0@example.org', goodPassword(), '10.9.9.9')).statusCode, 429, 'a sprayed account is refused from that address');
  t.equal((await login(app, 'colleague@example.org', password, '10.9.9.9')).statusCode, 200, 'the colleague behind the same NAT gets in');
});

t.test('an account failing from many addresses is slowed, not refused', async (t) => {
  const { app, database } = await createTestApp(t, { env: { LOGIN_SLOWDOWN_MS: '100', RATE_LIMIT_LOGIN_FAILURES: '3' } });
  const { password } = await registerUser(app, 'many@example.org');
  // Failures recorded directly: the rule is what is tested here, not the wall clock.
  await database.pool.query(
    "insert into login_failures (email_key, ip, at) select $1, ('10.7.0.' || g)::inet, now() from generate_series(1, 30) g",
    [emailKeyOf('many@example.org')],
  );
  const verdict = await checkLoginThrottle(database.db, { emailKey: emailKeyOf('many@example.org'), ip: '10.8.0.1' }, new Date(), 3, 100);
  t.same(verdict, { refused: false, pauseMs: 2000 }, 'thirty failures from thirty addresses: the longest pause, no refusal');
  t.equal((await login(app, 'many@example.org', password, '10.8.0.1')).statusCode, 200, 'the holder still gets in');
});

t.test('failed logins are slowed before they are refused', async (t) => {
  const { app } = await createTestApp(t, { env: { LOGIN_SLOWDOWN_MS: '100' } });
  await registerUser(app, 'slow@example.org');
  const timings: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await login(app, 'slow@example.org', goodPassword());
    timings.push(performance.now() - started);
  }
  t.ok(timings[4]! >= 200, `the fifth attempt waited ${Math.round(timings[4]!)} ms`);
});

t.test('the pause grows with each failure past the free ones and is capped', async (t) => {
  const pauses = [0, 1, 2, 3, 4, 5, 6, 50].map((failures) => slowdownMs(failures, 100));
  t.same(pauses.slice(0, 3), [0, 0, 0], 'the first failures are not slowed');
  t.ok(pauses[3]! > 0 && pauses[4]! > pauses[3]! && pauses[5]! > pauses[4]!, 'then each waits longer');
  t.equal(pauses[7], 2000, 'never more than 2 s');
  t.same([5, 10].map((f) => slowdownMs(f, 0)), [0, 0], 'a zero step turns it off');
});

t.test('password change revokes every other session and issues a new cookie', async (t) => {
  const { app, database } = await createTestApp(t);
  const { password, cookie: first } = await registerUser(app, 'change@example.org');
  const second = sessionCookieFrom(await login(app, 'change@example.org', password));

  const wrong = await app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie: first! }, payload: { currentPassword: 'not-the-password', newPassword: goodPassword() } });
  t.equal(wrong.statusCode, 403);
  t.equal(wrong.json().error.code, 'wrong_password');

  const weak = await app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie: first! }, payload: { currentPassword: password, newPassword: 'short' } });
  t.equal(weak.statusCode, 422);

  const newPassword = goodPassword();
  const changed = await app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie: first! }, payload: { currentPassword: password, newPassword } });
  t.equal(changed.statusCode, 200);
  const fresh = sessionCookieFrom(changed);
  t.ok(fresh, 'a new cookie');
  t.equal((await app.inject({ url: '/api/me', headers: { cookie: first! } })).statusCode, 401, 'the calling session was replaced');
  t.equal((await app.inject({ url: '/api/me', headers: { cookie: second! } })).statusCode, 401, 'other sessions are revoked');
  t.equal((await app.inject({ url: '/api/me', headers: { cookie: fresh! } })).statusCode, 200);
  t.equal((await login(app, 'change@example.org', password)).statusCode, 401, 'the old password is gone');
  t.equal((await login(app, 'change@example.org', newPassword)).statusCode, 200);
  const audit = await database.pool.query("select data from audit_events where action = 'auth.password_changed'");
  t.equal(audit.rows[0].data.sessionsRevoked, 2);
});

t.test('sessions made by login expire after 30 idle minutes', async (t) => {
  const { app, clock } = await createTestApp(t);
  const { cookie } = await registerUser(app, 'idle@example.org');
  clock.advance(29 * 60 * 1000);
  t.equal((await app.inject({ url: '/api/me', headers: { cookie: cookie! } })).statusCode, 200);
  clock.advance(30 * 60 * 1000);
  t.equal((await app.inject({ url: '/api/me', headers: { cookie: cookie! } })).statusCode, 401);
});

t.test('a coarse per-IP limit guards the auth routes against floods', async (t) => {
  const { app } = await createTestApp(t, { env: { RATE_LIMIT_AUTH_PER_MINUTE: '3' } });
  for (let i = 0; i < 3; i++) t.equal((await registerUser(app, `flood-${i}@example.org`)).res.statusCode, 201);
  const res = (await registerUser(app, 'flood-x@example.org')).res;
  t.equal(res.statusCode, 429);
  t.equal(res.json().error.code, 'rate_limited');
  t.ok(Number(res.headers['retry-after']) > 0, 'Retry-After is set');
  t.equal((await registerUser(app, 'flood-y@example.org', goodPassword(), '10.3.3.3')).res.statusCode, 201, 'per IP');
});
