import t from 'tap';
import { createTestApp } from '../helpers/app.js';
import { signedInUser } from '../helpers/auth.js';
import { submit, titleOf, visit } from '../helpers/pages.js';
import { postCase, postReply } from '../helpers/threads.js';

const { app } = await createTestApp(t);
const author = await signedInUser(app, { specialty: 'cardiology' });
const colleague = await signedInUser(app, { specialty: 'nephrology' });

const goodCase = {
  title: 'New AF with CrCl 28: apixaban dose?',
  age: '58',
  sex: 'male',
  specialty: 'cardiology',
  urgency: 'urgent',
  body: 'Started on apixaban 5 mg bd by the ED.\r\nWeight 61 kg, creatinine 180.',
  question: 'Should the dose be reduced?',
};

t.test('signed out: clinical pages redirect to the login form with a return path', async (t) => {
  for (const url of ['/cases/new', '/cases/00000000-0000-0000-0000-000000000000', '/cases?filter=urgent']) {
    const res = await app.inject({ method: 'GET', url });
    t.equal(res.statusCode, 303, url);
    t.equal(res.headers.location, `/?next=${encodeURIComponent(url)}`);
  }
  const list = await app.inject({ method: 'GET', url: '/cases' });
  t.equal(list.headers.location, '/', 'the default start page needs no return path');
  const login = await visit(app, '/?next=%2Fcases%2Fnew');
  t.match(login.html, /name="next" value="\/cases\/new"/);
});

t.test('applicants get the awaiting-verification page with a link to /verify', async (t) => {
  const applicant = await signedInUser(app, { role: 'applicant', verification: 'pending' });
  for (const url of ['/cases', '/cases/new']) {
    const page = await visit(app, url, applicant.cookie);
    t.equal(page.res.statusCode, 403, url);
    t.equal(titleOf(page.html), 'Awaiting verification · Curbside');
    t.match(page.html, /href="\/verify"/);
  }
  const post = await submit(app, '/cases', { ...goodCase }, applicant.cookie);
  t.equal(post.statusCode, 403);
});

t.test('case list: empty state, then cases with filters and search', async (t) => {
  const empty = await visit(app, '/cases', author.cookie);
  t.equal(empty.res.statusCode, 200);
  t.equal(titleOf(empty.html), 'Cases · Curbside');
  t.match(empty.html, /No cases yet/);

  await postCase(app, author.cookie, { title: 'Warfarin reversal before surgery', specialty: 'general-surgery', urgency: 'urgent' });
  await postCase(app, author.cookie, { title: 'Hyponatraemia on thiazide', specialty: 'nephrology' });
  const all = await visit(app, '/cases', colleague.cookie);
  t.match(all.html, /Warfarin reversal before surgery/);
  t.match(all.html, /Hyponatraemia on thiazide/);
  const urgent = await visit(app, '/cases?filter=urgent', colleague.cookie);
  t.match(urgent.html, /Warfarin/);
  t.notMatch(urgent.html, /Hyponatraemia/);
  t.match(urgent.html, /<option value="urgent" selected>/);
  const nephro = await visit(app, '/cases?specialty=nephrology', colleague.cookie);
  t.notMatch(nephro.html, /Warfarin/);
  t.match(nephro.html, /Hyponatraemia/);
  const search = await visit(app, '/cases?q=warfarin', colleague.cookie);
  t.equal(titleOf(search.html), 'Search: warfarin · Curbside');
  t.match(search.html, /Warfarin/);
  t.notMatch(search.html, /Hyponatraemia/);
  const none = await visit(app, '/cases?q=zebrafish', colleague.cookie);
  t.match(none.html, /No cases match/);
  const bad = await visit(app, '/cases?filter=bogus', colleague.cookie);
  t.equal(bad.res.statusCode, 200, 'a bad filter is ignored, not an error');
});

t.test('new case: form, validation errors next to fields with values kept', async (t) => {
  const form = await visit(app, '/cases/new', author.cookie);
  t.equal(form.res.statusCode, 200);
  t.equal(titleOf(form.html), 'New case · Curbside');
  for (const name of ['title', 'age', 'sex', 'specialty', 'body', 'question']) t.match(form.html, new RegExp(`<label for="f-${name}">`), name);
  t.match(form.html, /src="\/static\/js\/phi\.js\?v=/);

  const res = await submit(app, '/cases', { _csrf: form.token!, ...goodCase, age: 'fifty', title: '' }, form.cookie);
  t.equal(res.statusCode, 422);
  t.match(res.body, /id="f-age-error">Enter the age in whole years/);
  t.match(res.body, /id="f-title-error">This field is required/);
  t.match(res.body, /value="fifty"/, 'values are kept');
  t.match(res.body, /<option value="cardiology" selected>/);
});

t.test('new case: CSRF token required', async (t) => {
  const form = await visit(app, '/cases/new', author.cookie);
  const res = await submit(app, '/cases', { ...goodCase }, form.cookie);
  t.equal(res.statusCode, 403);
  t.match(res.body, /form has expired/);
  const forged = await submit(app, '/cases', { ...goodCase, _csrf: 'forged-token' }, form.cookie);
  t.equal(forged.statusCode, 403);
});

t.test('new case: PHI refusal shows the findings; acknowledging them posts the case', async (t) => {
  const form = await visit(app, '/cases/new', author.cookie);
  // Weak findings only (a name): a date with a day cannot be acknowledged.
  const withName = { ...goodCase, body: 'Mr John Smith was seen last week with new AF.' };
  const refused = await submit(app, '/cases', { _csrf: form.token!, ...withName }, form.cookie);
  t.equal(refused.statusCode, 422);
  t.match(refused.body, /may contain protected health information/);
  const boxes = [...refused.body.matchAll(/name="acknowledge" value="(body:\d+:\d+)"/g)].map((m) => m[1]!);
  t.ok(boxes.length >= 1, 'each finding has an acknowledge box');
  t.match(refused.body, /<mark class="phi-mark">[^<]*Smith[^<]*<\/mark>/);
  t.match(refused.body, /Mr John Smith was seen/, 'the text is kept in the form');

  const token = /name="_csrf" value="([^"]+)"/.exec(refused.body)![1]!;
  const accepted = await submit(app, '/cases', { _csrf: token, ...withName, acknowledge: boxes }, form.cookie);
  t.equal(accepted.statusCode, 303);
  t.match(accepted.headers.location, /^\/cases\/[0-9a-f-]{36}$/);
});

t.test('new case: a clean case is posted and the thread shows it', async (t) => {
  const form = await visit(app, '/cases/new', author.cookie);
  const res = await submit(app, '/cases', { _csrf: form.token!, ...goodCase }, form.cookie);
  t.equal(res.statusCode, 303);
  const thread = await visit(app, res.headers.location as string, colleague.cookie);
  t.equal(thread.res.statusCode, 200);
  t.equal(titleOf(thread.html), 'New AF with CrCl 28: apixaban dose? · Curbside');
  t.match(thread.html, /Urgent/);
  t.match(thread.html, /No replies yet/);
  t.match(thread.html, /src="\/static\/js\/live\.js\?v=/);
  t.match(thread.html, /Weight 61 kg/);
});

t.test('thread: user text is escaped; markdown is rendered by the sanitiser', async (t) => {
  const id = await postCase(app, author.cookie, {
    title: '<img src=x onerror=alert(1)> title',
    body: 'Plain **bold** then <script>alert("x")</script> and <a href="javascript:alert(1)">link</a>',
  });
  const list = await visit(app, '/cases', colleague.cookie);
  t.match(list.html, /&lt;img src=x onerror=alert\(1\)&gt; title/, 'titles are escaped in the list');
  t.notMatch(list.html, /<img src=x/);
  const page = await visit(app, `/cases/${id}`, colleague.cookie);
  t.notMatch(page.html, /<script>alert/);
  t.notMatch(page.html, /<img src=x/);
  t.notMatch(page.html, /<a [^>]*href="javascript:/);
  t.match(page.html, /&lt;script&gt;alert/, 'the script tag is shown as text');
  t.match(page.html, /&lt;img src=x onerror=alert\(1\)&gt; title/);
  t.match(page.html, /<strong>bold<\/strong>/);
});

t.test('thread: replies are listed; posting one redirects to it; PHI is refused with findings', async (t) => {
  const id = await postCase(app, author.cookie);
  await postReply(app, colleague.cookie, id, 'Reduce to **2.5 mg** bd.');
  const page = await visit(app, `/cases/${id}`, author.cookie);
  t.match(page.html, /<strong>2\.5 mg<\/strong>/);
  t.match(page.html, /data-last-seq="1"/);

  const res = await submit(app, `/cases/${id}/replies`, { _csrf: page.token!, body: 'Agree; check weight again.' }, page.cookie);
  t.equal(res.statusCode, 303);
  t.match(res.headers.location, new RegExp(`^/cases/${id}#reply-`));

  const empty = await submit(app, `/cases/${id}/replies`, { _csrf: page.token!, body: '  ' }, page.cookie);
  t.equal(empty.statusCode, 422);
  t.match(empty.body, /id="reply-body-error"/);

  const phi = await submit(app, `/cases/${id}/replies`, { _csrf: page.token!, body: 'Call me on 415-555-0123.' }, page.cookie);
  t.equal(phi.statusCode, 422);
  t.match(phi.body, /name="acknowledge" value="body:\d+:\d+"/);
  t.match(phi.body, /Call me on 415-555-0123\./);

  const noToken = await submit(app, `/cases/${id}/replies`, { body: 'hello' }, page.cookie);
  t.equal(noToken.statusCode, 403);
});

t.test('unknown case: 404 page', async (t) => {
  for (const url of ['/cases/00000000-0000-0000-0000-000000000000', '/cases/not-an-id']) {
    const page = await visit(app, url, author.cookie);
    t.equal(page.res.statusCode, 404, url);
    t.equal(titleOf(page.html), 'Not found · Curbside');
  }
});
