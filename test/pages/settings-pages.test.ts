import t from 'tap';
import { createTestApp } from '../helpers/app.js';
import { signedInUser } from '../helpers/auth.js';
import { postCase } from '../helpers/cases.js';
import { submit, visit } from '../helpers/pages.js';

t.test('settings: notification choices and follows are saved through the forms', async (t) => {
  const { app } = await createTestApp(t, { notifications: { worker: false } });
  const me = await signedInUser(app);
  const colleague = await signedInUser(app);
  const page = await visit(app, '/settings', me.cookie);
  t.equal(page.res.statusCode, 200);
  t.match(page.html, /name="email" value="instant" checked/);
  t.match(page.html, /id="bell-count" data-count="0"/, 'the bell is in the header');

  const saved = await submit(app, '/settings/notifications', { _csrf: page.token!, email: 'daily', urgent: '1', quietStart: '22:00', quietEnd: '06:30', timeZone: 'America/Chicago' }, page.cookie);
  t.equal(saved.statusCode, 303);
  const api = await app.inject({ url: '/api/me/notification-settings', headers: { cookie: me.cookie } });
  t.same(api.json(), { email: 'daily', urgent: true, quietHours: { start: '22:00', end: '06:30' }, timeZone: 'America/Chicago' });

  const bad = await submit(app, '/settings/notifications', { _csrf: page.token!, email: 'daily', timeZone: 'Nowhere/City' }, page.cookie);
  t.equal(bad.statusCode, 422);
  t.match(bad.body, /IANA time zone/);

  const follows = await submit(app, '/settings/follows', { _csrf: page.token!, specialties: ['cardiology', 'nephrology'], handles: `${colleague.user.handle}\n` }, page.cookie);
  t.equal(follows.statusCode, 303);
  t.same((await app.inject({ url: '/api/me/follows', headers: { cookie: me.cookie } })).json(), { specialties: ['cardiology', 'nephrology'], handles: [colleague.user.handle] });
  const unknown = await submit(app, '/settings/follows', { _csrf: page.token!, handles: 'Dr. Nobody Anywhere' }, page.cookie);
  t.equal(unknown.statusCode, 422);
  t.match(unknown.body, /no colleague has the pseudonym/);

  t.equal((await submit(app, '/settings/follows', { handles: '' }, page.cookie)).statusCode, 403, 'CSRF token required');
});

t.test('the thread page toggles watching; the bell counts unread notifications; /notifications lists them', async (t) => {
  const { app } = await createTestApp(t, { notifications: { worker: false } });
  const author = await signedInUser(app);
  const colleague = await signedInUser(app);
  const kase = await postCase(app, author.cookie);
  let thread = await visit(app, `/cases/${kase.id}`, colleague.cookie);
  t.match(thread.html, /Watch: notify me of replies/);
  const watched = await submit(app, `/cases/${kase.id}/watch`, { _csrf: thread.token!, watch: '1' }, thread.cookie);
  t.equal(watched.statusCode, 303);
  thread = await visit(app, `/cases/${kase.id}`, colleague.cookie);
  t.match(thread.html, /Watching: stop notifications/);

  const outcome = await app.inject({ method: 'POST', url: `/api/cases/${kase.id}/outcome`, headers: { cookie: author.cookie }, payload: { outcome: 'Improved on the lower dose.' } });
  t.equal(outcome.statusCode, 200);

  const list = await visit(app, '/notifications', colleague.cookie);
  t.match(list.html, /id="bell-count" data-count="1"/);
  t.match(list.html, /The outcome of a case you replied to was posted/);
  t.match(list.html, new RegExp(`href="/cases/${kase.id}"`));
  const read = await submit(app, '/notifications/read', { _csrf: list.token! }, list.cookie);
  t.equal(read.statusCode, 303);
  t.match((await visit(app, '/cases', colleague.cookie)).html, /id="bell-count" data-count="0"/);
});

t.test('the password reset page asks for an address, then takes a new password from the link', async (t) => {
  const { app } = await createTestApp(t, { notifications: { worker: false } });
  const form = await visit(app, '/password-reset');
  t.equal(form.res.statusCode, 200);
  t.match(form.html, /Send the link/);
  const sent = await submit(app, '/password-reset', { _csrf: form.token!, email: 'nobody@example.org' }, form.cookie);
  t.equal(sent.statusCode, 303);
  t.equal(sent.headers.location, '/password-reset?sent=1');
  const withToken = await visit(app, '/password-reset?token=abcdefghijklmnop', form.cookie);
  t.match(withToken.html, /name="token" value="abcdefghijklmnop"/);
  const refused = await submit(app, '/password-reset/confirm', { _csrf: withToken.token!, token: 'abcdefghijklmnop', newPassword: 'a long enough passphrase' }, withToken.cookie);
  t.equal(refused.statusCode, 422);
  t.match(refused.body, /not valid any more/);
  t.match((await visit(app, '/')).html, /href="\/password-reset"/, 'the login form links to it');
});
