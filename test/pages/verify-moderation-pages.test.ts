import t from 'tap';
import { createTestApp } from '../helpers/app.js';
import { signedInUser } from '../helpers/auth.js';
import { submit, titleOf, visit } from '../helpers/pages.js';
import { postCase } from '../helpers/threads.js';

const { app } = await createTestApp(t);

/** A valid NPI (Luhn with the 80840 prefix). */
const NPI = '1234567893';

t.test('verify: signed out goes to login; the form validates the NPI; the status becomes pending', async (t) => {
  const signedOut = await app.inject({ method: 'GET', url: '/verify' });
  t.equal(signedOut.statusCode, 303);
  t.equal(signedOut.headers.location, '/?next=%2Fverify');

  const applicant = await signedInUser(app, { role: 'applicant' });
  const choice = await visit(app, '/verify', applicant.cookie);
  t.equal(choice.res.statusCode, 200);
  t.match(choice.html, /Where are you licensed\?/, 'the applicant chooses US or abroad first');
  t.notMatch(choice.html, /id="f-npi"/, 'no form until the choice is made');
  t.notMatch(choice.html, /\(optional\)/);
  const page = await visit(app, '/verify?kind=npi', choice.cookie);
  t.match(page.html, /<label for="f-npi">NPI/);
  t.notMatch(page.html, /id="f-country"/, 'only the US form');
  const everything = await submit(app, '/verify', { _csrf: page.token!, kind: 'npi', npi: '12', state: 'ZZ', firstName: '', lastName: 'Lovelace' }, page.cookie);
  t.equal(everything.statusCode, 422);
  t.match(everything.body, /id="f-npi-error"/, 'every error at once: the NPI');
  t.match(everything.body, /id="f-state-error"/, 'the state');
  t.match(everything.body, /id="f-firstName-error"/, 'the first name');
  t.match(everything.body, /3 things to correct/);
  t.match(everything.body, /value="Lovelace"/, 'values kept');
  const bad = await submit(app, '/verify', { _csrf: page.token!, kind: 'npi', npi: '1234567890', state: 'NY', firstName: 'Ada', lastName: 'Lovelace' }, page.cookie);
  t.equal(bad.statusCode, 422);
  t.match(bad.body, /id="f-npi-error">This is not a valid NPI/);
  t.match(bad.body, /value="Lovelace"/);
  const noToken = await submit(app, '/verify', { kind: 'npi', npi: NPI, state: 'NY', firstName: 'Ada', lastName: 'Lovelace' }, page.cookie);
  t.equal(noToken.statusCode, 403);
  const ok = await submit(app, '/verify', { _csrf: page.token!, kind: 'npi', npi: NPI, state: 'ny', firstName: 'Ada', lastName: 'Lovelace' }, page.cookie);
  t.equal(ok.statusCode, 303);
  t.equal(ok.headers.location, '/verify');
  const after = await visit(app, '/verify', page.cookie);
  t.match(after.html, /Awaiting verification/);
  t.match(after.html, /1234567893 \(NY\)/);
});

t.test('moderation: physicians get 403, moderators see the queue and approve', async (t) => {
  const physician = await signedInUser(app);
  const refused = await visit(app, '/moderation', physician.cookie);
  t.equal(refused.res.statusCode, 403);
  t.equal(titleOf(refused.html), 'Not allowed · Curbside');

  const moderator = await signedInUser(app, { role: 'moderator' });
  const applicant = await signedInUser(app, { role: 'applicant' });
  const form = await visit(app, '/verify', applicant.cookie);
  await submit(app, '/verify', { _csrf: form.token!, kind: 'licence', country: 'United Kingdom', registry: 'GMC', licenceNumber: '7654321', firstName: 'Grace', lastName: 'Hopper<b>' }, form.cookie);

  const queue = await visit(app, '/moderation', moderator.cookie);
  t.equal(queue.res.statusCode, 200);
  t.equal(titleOf(queue.html), 'Moderation · Curbside');
  t.match(queue.html, /Grace Hopper&lt;b&gt;/, 'applicant text is escaped');
  // Requests made in the same (test) clock tick come in any order: find Grace's by name.
  const id = /id="v-([0-9a-f-]{36})"[^>]*>\s*<h3[^>]*>Grace Hopper/.exec(queue.html)![1]!;

  const noSpecialty = await submit(app, `/moderation/verifications/${id}`, { _csrf: queue.token!, decision: 'approve', specialty: '' }, queue.cookie);
  t.equal(noSpecialty.statusCode, 422);
  t.match(noSpecialty.body, /Approving needs the verified specialty/);
  const noToken = await submit(app, `/moderation/verifications/${id}`, { decision: 'approve', specialty: 'neurology' }, queue.cookie);
  t.equal(noToken.statusCode, 403);
  const approved = await submit(app, `/moderation/verifications/${id}`, { _csrf: queue.token!, decision: 'approve', specialty: 'neurology' }, queue.cookie);
  t.equal(approved.statusCode, 303);
  t.equal(approved.headers.location, '/moderation?done=approved');

  const cases = await visit(app, '/cases', applicant.cookie);
  t.equal(cases.res.statusCode, 200, 'the approved physician now sees the cases');
  const empty = await visit(app, '/moderation', moderator.cookie);
  t.notMatch(empty.html, /Grace Hopper/, 'the decided request leaves the queue');
});

t.test('flags: a physician reports a case; the moderator hides it from the queue', async (t) => {
  const author = await signedInUser(app);
  const reader = await signedInUser(app);
  const moderator = await signedInUser(app, { role: 'moderator' });
  const caseId = await postCase(app, author.cookie, { title: 'A case to report' });
  const thread = await visit(app, `/cases/${caseId}`, reader.cookie);
  const empty = await submit(app, `/cases/${caseId}/flags`, { _csrf: thread.token!, targetType: 'case', reason: ' ' }, thread.cookie);
  t.equal(empty.statusCode, 422);
  const flagged = await submit(app, `/cases/${caseId}/flags`, { _csrf: thread.token!, targetType: 'case', reason: 'Contains a patient name' }, thread.cookie);
  t.equal(flagged.statusCode, 303);
  t.equal(flagged.headers.location, `/cases/${caseId}#case`);
  const thanked = await visit(app, `/cases/${caseId}`, flagged.nextCookie);
  t.match(thanked.html, /Thank you. A moderator will review the case/);
  const again = await submit(app, `/cases/${caseId}/flags`, { _csrf: thread.token!, targetType: 'case', reason: 'Still there' }, thanked.cookie);
  const twice = await visit(app, `/cases/${caseId}`, again.nextCookie);
  t.match(twice.html, /You have already reported this case/, 'reporting twice says so');
  t.notMatch(twice.html, /Thank you/);

  const queue = await visit(app, '/moderation', moderator.cookie);
  t.match(queue.html, /Contains a patient name/);
  t.match(queue.html, /A case to report/);
  const flagId = /action="\/moderation\/flags\/([0-9a-f-]{36})"/.exec(queue.html)![1]!;
  const noReason = await submit(app, `/moderation/flags/${flagId}`, { _csrf: queue.token!, action: 'hide', reason: '' }, queue.cookie);
  t.equal(noReason.statusCode, 422);
  const hidden = await submit(app, `/moderation/flags/${flagId}`, { _csrf: queue.token!, action: 'hide', reason: 'Identifier in the body' }, queue.cookie);
  t.equal(hidden.statusCode, 303);
  const list = await visit(app, '/cases', reader.cookie);
  t.notMatch(list.html, /A case to report/, 'hidden cases leave the list');
});
