import t from 'tap';
import { createTestApp } from '../helpers/app.js';
import { signedInUser } from '../helpers/auth.js';
import { submit, titleOf, visit } from '../helpers/pages.js';

const { app } = await createTestApp(t);

t.test('landing page: login form with a CSRF token, security headers, no caching', async (t) => {
  const { res, html, token } = await visit(app, '/');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /text\/html/);
  t.equal(titleOf(html), 'Log in · Curbside');
  t.ok(token, 'the form carries a token');
  t.match(html, /<html lang="en">/);
  t.match(html, /<label for="f-email">Email<\/label>/);
  t.match(html, /class="skip-link" href="#main"/);
  t.equal(res.headers['cache-control'], 'no-store');
  const csp = String(res.headers['content-security-policy']);
  for (const directive of ["script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "object-src 'none'", "base-uri 'none'", 'connect-src \'self\' ws://localhost:3000']) {
    t.ok(csp.includes(directive), directive);
  }
  t.notMatch(html, /<script>|style="/, 'no inline script or style');
});

t.test('the API gets the security headers too', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/healthz' });
  t.match(String(res.headers['content-security-policy']), /default-src 'self'/);
  t.equal(res.headers['x-content-type-options'], 'nosniff');
});

t.test('register page renders its form', async (t) => {
  const { res, html } = await visit(app, '/register');
  t.equal(res.statusCode, 200);
  t.equal(titleOf(html), 'Register · Curbside');
  t.match(html, /action="\/register"/);
});

t.test('signed-in visitors of / go on to their start page', async (t) => {
  const physician = await signedInUser(app);
  const res = await app.inject({ method: 'GET', url: '/', headers: { cookie: physician.cookie } });
  t.equal(res.statusCode, 303);
  t.equal(res.headers.location, '/cases');
  const applicant = await signedInUser(app, { role: 'applicant' });
  const res2 = await app.inject({ method: 'GET', url: '/', headers: { cookie: applicant.cookie } });
  t.equal(res2.headers.location, '/verify');
});

t.test('next is only ever a path on this site', async (t) => {
  const physician = await signedInUser(app);
  for (const [next, expected] of <Array<[string, string]>>[['/cases/new', '/cases/new'], ['//evil.example', '/cases'], ['https://evil.example', '/cases'], ['/\\evil', '/cases']]) {
    const res = await app.inject({ method: 'GET', url: `/?next=${encodeURIComponent(next)}`, headers: { cookie: physician.cookie } });
    t.equal(res.headers.location, expected, next);
  }
});

t.test('logout: refused without the CSRF token, then revokes the session and redirects', async (t) => {
  const physician = await signedInUser(app);
  const page = await visit(app, '/cases', physician.cookie);
  const refused = await submit(app, '/logout', {}, page.cookie);
  t.equal(refused.statusCode, 403);
  t.match(refused.headers['content-type'], /text\/html/);
  t.match(refused.body, /form has expired/);
  const noCookie = await submit(app, '/logout', { _csrf: page.token ?? 'x' }, physician.cookie);
  t.equal(noCookie.statusCode, 403, 'a token without its cookie secret is refused');

  const home = await visit(app, '/', physician.cookie);
  t.equal(home.res.statusCode, 303);
  t.ok(page.token, 'every page for a signed-in user has the logout form');
  const ok = await submit(app, '/logout', { _csrf: page.token! }, page.cookie);
  t.equal(ok.statusCode, 303);
  t.equal(ok.headers.location, '/');
  t.match(String(ok.headers['set-cookie']), /curbside_session=;/, 'the session cookie is cleared');
  const after = await app.inject({ method: 'GET', url: '/', headers: { cookie: physician.cookie } });
  t.equal(after.statusCode, 200, 'the old session no longer counts: the login form is shown');
});

t.test('unknown paths: an HTML page for browsers, JSON for the rest', async (t) => {
  const html = await visit(app, '/no/such/page');
  t.equal(html.res.statusCode, 404);
  t.equal(titleOf(html.html), 'Not found · Curbside');
  const json = await app.inject({ method: 'GET', url: '/no/such/page' });
  t.equal(json.json().error.code, 'not_found');
  const api = await app.inject({ method: 'GET', url: '/api/nothing', headers: { accept: 'text/html' } });
  t.equal(api.json().error.code, 'not_found', 'the API answers JSON even to a browser');
});

t.test('static files are served with long cache headers', async (t) => {
  const page = await visit(app, '/');
  const href = /href="(\/static\/css\/app\.css\?v=[0-9a-f]+)"/.exec(page.html)?.[1];
  t.ok(href);
  const res = await app.inject({ method: 'GET', url: href! });
  t.equal(res.statusCode, 200);
  t.match(res.headers['cache-control'], /max-age=31536000.*immutable/);
  t.match(res.headers['content-type'], /text\/css/);
});

t.test('register: errors next to the fields, then an account and the verification page', async (t) => {
  const form = await visit(app, '/register');
  const bad = await submit(app, '/register', { _csrf: form.token!, email: 'not-an-email', password: 'short' }, form.cookie);
  t.equal(bad.statusCode, 422);
  t.match(bad.body, /id="f-email-error">Enter an email address/);
  t.match(bad.body, /value="not-an-email"/, 'the email is kept');
  t.notMatch(bad.body, /value="short"/, 'the password is never echoed');

  const weak = await submit(app, '/register', { _csrf: form.token!, email: 'weak@example.org', password: 'short' }, form.cookie);
  t.equal(weak.statusCode, 422);
  t.match(weak.body, /id="f-password-error">The password must be at least 12 characters/);

  const noToken = await submit(app, '/register', { email: 'new@example.org', password: 'a sound passphrase 42' }, form.cookie);
  t.equal(noToken.statusCode, 403);

  const ok = await submit(app, '/register', { _csrf: form.token!, email: 'new@example.org', password: 'a sound passphrase 42' }, form.cookie);
  t.equal(ok.statusCode, 303);
  t.equal(ok.headers.location, '/verify');
  const verify = await visit(app, '/verify', ok.nextCookie);
  t.equal(verify.res.statusCode, 200);
  t.equal(titleOf(verify.html), 'Verification · Curbside');
  t.match(verify.html, /Not yet verified/);

  const again = await submit(app, '/register', { _csrf: form.token!, email: 'new@example.org', password: 'a sound passphrase 42' }, form.cookie);
  t.equal(again.statusCode, 422);
  t.match(again.body, /id="f-email-error">An account with this email already exists/);
});

t.test('login: wrong password shows one vague message; right one goes to next', async (t) => {
  const form = await visit(app, '/register');
  await submit(app, '/register', { _csrf: form.token!, email: 'login@example.org', password: 'another good passphrase' }, form.cookie);
  const home = await visit(app, '/?next=%2Fcases%2Fnew');
  const wrong = await submit(app, '/login', { _csrf: home.token!, email: 'login@example.org', password: 'wrong password here', next: '/cases/new' }, home.cookie);
  t.equal(wrong.statusCode, 401);
  t.match(wrong.body, /The email or password is not correct/);
  t.match(wrong.body, /value="login@example.org"/);
  const noToken = await submit(app, '/login', { email: 'login@example.org', password: 'another good passphrase' }, home.cookie);
  t.equal(noToken.statusCode, 403);
  const ok = await submit(app, '/login', { _csrf: home.token!, email: 'login@example.org', password: 'another good passphrase', next: '/cases/new' }, home.cookie);
  t.equal(ok.statusCode, 303);
  t.equal(ok.headers.location, '/verify', 'an applicant goes to the verification page, whatever next says');
  t.match(String(ok.headers['set-cookie']), /curbside_session=/);
});
