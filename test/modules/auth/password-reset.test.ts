import t from 'tap';
import { createTestApp } from '../../helpers/app.js';
import { goodPassword, sessionCookieFrom } from '../../helpers/http.js';
import { TestSmtpServer } from '../../helpers/smtp.js';

function tokenOf(mail: { decoded: string }): string {
  const match = /\/password-reset\?token=([A-Za-z0-9_-]+)/.exec(mail.decoded);
  if (!match) throw new Error('no reset link in the mail');
  return match[1]!;
}

t.test('password reset end to end through a real SMTP server', async (t) => {
  const smtp = await TestSmtpServer.start();
  t.teardown(() => smtp.close());
  // The background worker sends the mail, as in production (polling every 50 ms here).
  const { app, clock, database } = await createTestApp(t, { env: { SMTP_URL: smtp.url, WORKER_POLL_MS: '50' } });
  const email = 'reset.me@example.org';
  const oldPassword = goodPassword();
  const registered = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password: oldPassword } });
  t.equal(registered.statusCode, 201);
  const firstCookie = sessionCookieFrom(registered)!;
  const secondCookie = sessionCookieFrom(await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: oldPassword } }))!;

  const unknown = await app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email: 'nobody@example.org' } });
  const known = await app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email: 'Reset.Me@example.org' } });
  t.equal(unknown.statusCode, 202);
  t.equal(known.statusCode, 202);
  t.same(unknown.json(), known.json(), 'the same answer whether the account exists or not');

  const [mail] = await smtp.waitFor(1);
  t.same(mail!.to, [email]);
  t.match(mail!.subject, /reset your password/);
  t.match(mail!.decoded, /30 minutes/);
  const token = tokenOf(mail!);
  t.match(mail!.decoded, new RegExp(`http://localhost:3000/password-reset\\?token=${token}`), 'the link points at PUBLIC_ORIGIN');
  const stored = await database.pool.query('select token_hash from password_reset_tokens');
  t.equal(stored.rowCount, 1);
  t.not(stored.rows[0].token_hash, token, 'only a hash of the token is stored');

  const weak = await app.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token, newPassword: 'short' } });
  t.equal(weak.statusCode, 422, 'the password rules apply');

  const newPassword = goodPassword();
  const confirmed = await app.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token, newPassword } });
  t.equal(confirmed.statusCode, 200);
  for (const cookie of [firstCookie, secondCookie]) {
    t.equal((await app.inject({ url: '/api/me', headers: { cookie } })).statusCode, 401, 'every session is revoked');
  }
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: oldPassword } })).statusCode, 401);
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: newPassword } })).statusCode, 200);

  const reused = await app.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token, newPassword: goodPassword() } });
  t.equal(reused.statusCode, 422, 'the link works once');
  t.equal(reused.json().error.code, 'invalid_reset_token');

  // A link older than 30 minutes is refused.
  await app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email } });
  const [, second] = await smtp.waitFor(2);
  clock.advance(31 * 60_000);
  const late = await app.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token: tokenOf(second!), newPassword: goodPassword() } });
  t.equal(late.statusCode, 422, 'an expired link is refused');

  const audit = await database.pool.query("select action from audit_events where action like 'auth.password_reset%' order by created_at");
  t.same(audit.rows.map((r) => r.action), ['auth.password_reset_requested', 'auth.password_reset', 'auth.password_reset_requested']);
  t.equal(smtp.received.length, 2, 'no mail for the unknown address');
});

t.test('bad shapes are 400 and an unknown token is 422', async (t) => {
  const { app } = await createTestApp(t, { notifications: { worker: false } });
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: {} })).statusCode, 400);
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email: 'a@b.org', extra: 1 } })).statusCode, 400);
  const bogus = await app.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token: 'nope', newPassword: goodPassword() } });
  t.equal(bogus.statusCode, 422);
  t.equal(bogus.json().error.code, 'invalid_reset_token');
});
