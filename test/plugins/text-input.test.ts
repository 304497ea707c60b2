import { Writable } from 'node:stream';
import t from 'tap';
import { createTestApp } from '../helpers/app.js';
import { signedInUser } from '../helpers/auth.js';
import { goodPassword } from '../helpers/http.js';

t.test('NUL and other control characters are refused with 400 on API routes', async (t) => {
  const { app } = await createTestApp(t);
  const applicant = await signedInUser(app, { role: 'applicant' });
  const cases = [
    { method: 'POST', url: '/api/auth/login', payload: { email: 'a\u0000@example.org', password: 'x'.repeat(12) } },
    { method: 'POST', url: '/api/auth/register', payload: { email: 'b@example.org', password: `long-pass\u0007word-1` } },
    {
      method: 'POST',
      url: '/api/verification',
      headers: { cookie: applicant.cookie },
      payload: { npi: '1234567893', firstName: 'Ann\u0000', lastName: 'Lee', state: 'CA' },
    },
    { method: 'GET', url: '/api/cases?q=%00', headers: { cookie: applicant.cookie } },
    { method: 'GET', url: '/api/cases/%1b', headers: { cookie: applicant.cookie } },
  ] as const;
  for (const request of cases) {
    const res = await app.inject(request as never);
    t.equal(res.statusCode, 400, `${request.method} ${request.url}`);
    t.equal(res.json().error.code, 'control_characters');
  }
  const allowed = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email: 'tabs@example.org', password: 'tab\there\r\nnewline ok' },
  });
  t.equal(allowed.statusCode, 201, 'tab, CR and LF are text');
});

t.test('control characters in a page form are refused too', async (t) => {
  const { app } = await createTestApp(t);
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    payload: 'email=a%00b%40example.org&password=whatever-long-enough',
  });
  t.equal(res.statusCode, 400);
  t.match(res.headers['content-type'], /text\/html/);
});

t.test("a database error's log line carries no SQL parameters or values", async (t) => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const { app, database } = await createTestApp(t, { logger: { level: 'info', stream } });
  // Force the insert to fail inside PostgreSQL, with the applicant's e-mail among its parameters.
  await database.pool.query("alter table users add constraint email_marker_check check (email not like '%canary%') not valid");
  const secretEmail = 'canary-legal-name@example.org';
  const res = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: secretEmail, password: goodPassword() } });
  t.equal(res.statusCode, 500);
  t.notMatch(res.body, /canary|insert|users/);
  const failure = lines.find((line) => line.includes('request failed'));
  t.ok(failure, 'the failure is logged');
  t.match(failure!, /23514/, 'with its SQLSTATE');
  t.notMatch(failure!, /canary/, 'but never the value');
  t.notMatch(failure!, /insert into/i, 'nor the SQL text');
  t.notOk(lines.some((line) => line.includes('canary')), 'no log line at all carries it');
});
