import t from 'tap';
import { requireClinician } from '../../../src/plugins/session.js';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';
import { OKAFOR, seedRegistry } from '../../helpers/registry.js';

async function setup(t: Parameters<typeof createTestApp>[0]) {
  const ctx = await createTestApp(t);
  ctx.app.get('/test/clinical', { preHandler: requireClinician }, async () => ({ ok: true }));
  await seedRegistry(ctx.database, [
    OKAFOR,
    { npi: '1245319599', entityType: 2, lastName: null, firstName: null, taxonomyCodes: ['261QM1300X'], licenceStates: [] },
  ]);
  const moderator = await signedInUser(ctx.app, { role: 'moderator' });
  return { ...ctx, moderator };
}

const npiClaim = { npi: '1234567893', firstName: 'Chiamaka', lastName: 'Okafor', state: 'NY' };

t.test('submit with an NPI: 202 pending with registry evidence, audited', async (t) => {
  const { app, database, moderator } = await setup(t);
  const applicant = await signedInUser(app, { role: 'applicant' });
  const res = await app.inject({ method: 'POST', url: '/api/verification', headers: { cookie: applicant.cookie }, payload: npiClaim });
  t.equal(res.statusCode, 202);
  const { verification } = res.json();
  t.match(verification, { status: 'pending', registryMatch: true, npi: '1234567893', state: 'NY' });
  t.notOk('nameMatch' in verification, 'the applicant is not told how the evidence looks');

  const me = await app.inject({ url: '/api/me', headers: { cookie: applicant.cookie } });
  t.equal(me.json().user.verification, 'pending');
  const own = await app.inject({ url: '/api/verification', headers: { cookie: applicant.cookie } });
  t.equal(own.json().verification.id, verification.id);

  const queue = await app.inject({ url: '/api/moderation/verifications?status=pending', headers: { cookie: moderator.cookie } });
  t.equal(queue.statusCode, 200);
  const [item] = queue.json().items;
  t.match(item, {
    id: verification.id,
    handle: applicant.user.handle,
    email: applicant.user.email,
    registryMatch: true,
    nameMatch: true,
    physicianTaxonomy: true,
    taxonomyCodes: ['207RC0000X', '207R00000X'],
    licenceStates: ['NY', 'NJ'],
    stateMatch: true,
    deactivatedOn: null,
    reopenReason: null,
    evidence: { registryMatch: true, nameMatch: true },
    registryEntry: { firstName: 'CHIAMAKA', lastName: 'OKAFOR', credential: 'MD' },
  });

  const audit = await database.pool.query("select actor_id, data from audit_events where action = 'verification.requested' and target_id = $1", [verification.id]);
  t.equal(audit.rows[0].actor_id, applicant.user.id);
});

t.test('evidence for mismatches: unknown NPI, organisation, wrong name', async (t) => {
  const { app, moderator } = await setup(t);
  const cases = [
    { payload: { ...npiClaim, npi: '1003000126' }, expect: { registryMatch: false, nameMatch: false, physicianTaxonomy: false } },
    { payload: { ...npiClaim, npi: '1245319599' }, expect: { registryMatch: false, nameMatch: false } },
    { payload: { ...npiClaim, firstName: 'Chioma', state: 'CA' }, expect: { registryMatch: true, nameMatch: false, stateMatch: false } },
    { payload: { ...npiClaim, firstName: 'chiamaká', lastName: 'ÓKAFOR', state: 'nj' }, expect: { registryMatch: true, nameMatch: true, stateMatch: true, state: 'NJ' } },
  ];
  for (const c of cases) {
    const applicant = await signedInUser(app, { role: 'applicant' });
    const res = await app.inject({ method: 'POST', url: '/api/verification', headers: { cookie: applicant.cookie }, payload: c.payload });
    t.equal(res.statusCode, 202);
    const items = (await app.inject({ url: '/api/moderation/verifications', headers: { cookie: moderator.cookie } })).json().items;
    t.match(items.find((i: { id: string }) => i.id === res.json().verification.id), c.expect, JSON.stringify(c.payload));
  }
});

t.test('bad input', async (t) => {
  const { app } = await setup(t);
  const applicant = await signedInUser(app, { role: 'applicant' });
  const post = (payload: unknown) => app.inject({ method: 'POST', url: '/api/verification', headers: { cookie: applicant.cookie }, payload: payload as object });
  const badCheck = await post({ ...npiClaim, npi: '1234567890' });
  t.equal(badCheck.statusCode, 422);
  t.equal(badCheck.json().error.code, 'invalid_npi');
  t.match(badCheck.json().error.message, /check digit/);
  t.equal((await post({ ...npiClaim, npi: '12345' })).json().error.code, 'invalid_npi');
  t.equal((await post({ ...npiClaim, state: 'ZZ' })).json().error.code, 'invalid_state');
  t.equal((await post({ ...npiClaim, lastName: '  ' })).statusCode, 422);
  t.equal((await post({ ...npiClaim, extra: 1 })).statusCode, 400, 'unknown field');
  t.equal((await post({ npi: '1234567893' })).statusCode, 400, 'missing fields');
  t.equal((await post({ ...npiClaim, npi: 1234567893 })).statusCode, 202, 'a numeric NPI is accepted');
  t.equal((await app.inject({ method: 'POST', url: '/api/verification', payload: npiClaim })).statusCode, 401);
});

t.test('licence path (outside the US), resubmission supersedes, verified accounts get 409', async (t) => {
  const { app, database } = await setup(t);
  const applicant = await signedInUser(app, { role: 'applicant' });
  const first = await app.inject({
    method: 'POST',
    url: '/api/verification',
    headers: { cookie: applicant.cookie },
    payload: { country: 'GB', registry: 'General Medical Council', licenceNumber: '7654321', firstName: 'Ada', lastName: 'Lovelace' },
  });
  t.equal(first.statusCode, 202);
  t.match(first.json().verification, { status: 'pending', registryMatch: false, country: 'GB', licenceNumber: '7654321' });
  const second = await app.inject({ method: 'POST', url: '/api/verification', headers: { cookie: applicant.cookie }, payload: npiClaim });
  t.equal(second.statusCode, 202);
  const { rows } = await database.pool.query('select status from verification_requests where id = $1', [first.json().verification.id]);
  t.equal(rows[0].status, 'superseded');

  const physician = await signedInUser(app, { role: 'physician' });
  const dup = await app.inject({ method: 'POST', url: '/api/verification', headers: { cookie: physician.cookie }, payload: npiClaim });
  t.equal(dup.statusCode, 409);
  t.equal(dup.json().error.code, 'already_verified');
  const suspended = await signedInUser(app, { role: 'physician', verification: 'suspended' });
  t.equal((await app.inject({ method: 'POST', url: '/api/verification', headers: { cookie: suspended.cookie }, payload: npiClaim })).statusCode, 403);
});

t.test('approve: the applicant becomes a verified physician with clinical access', async (t) => {
  const { app, database, moderator } = await setup(t);
  const applicant = await signedInUser(app, { role: 'applicant' });
  t.equal((await app.inject({ url: '/test/clinical', headers: { cookie: applicant.cookie } })).statusCode, 403, 'not yet');
  const id = (await app.inject({ method: 'POST', url: '/api/verification', headers: { cookie: applicant.cookie }, payload: npiClaim })).json().verification.id;

  const decide = (payload: object, cookie = moderator.cookie, requestId = id) =>
    app.inject({ method: 'POST', url: `/api/moderation/verifications/${requestId}/decision`, headers: { cookie }, payload });
  const noSpecialty = await decide({ decision: 'approve' });
  t.equal(noSpecialty.statusCode, 422);
  t.equal(noSpecialty.json().error.code, 'specialty_required');
  t.equal((await decide({ decision: 'approve', specialty: 'astrology' })).statusCode, 422, 'specialty from the fixed list');
  t.equal((await decide({ decision: 'approve', specialty: 'cardiology' }, applicant.cookie)).statusCode, 403, 'applicants cannot decide');

  const ok = await decide({ decision: 'approve', specialty: 'cardiology' });
  t.equal(ok.statusCode, 200);
  t.match(ok.json().verification, { status: 'approved', specialty: 'cardiology', decidedBy: moderator.user.id });

  const me = (await app.inject({ url: '/api/me', headers: { cookie: applicant.cookie } })).json().user;
  t.match(me, { role: 'physician', verification: 'verified', specialty: 'cardiology' });
  t.equal((await app.inject({ url: '/test/clinical', headers: { cookie: applicant.cookie } })).statusCode, 200, 'clinical routes open at once');

  const again = await decide({ decision: 'reject', reason: 'changed my mind' });
  t.equal(again.statusCode, 409, 'a decided request cannot be decided again');
  t.equal((await decide({ decision: 'approve', specialty: 'cardiology' }, moderator.cookie, '00000000-0000-4000-8000-000000000000')).statusCode, 404);
  t.equal((await decide({ decision: 'approve', specialty: 'cardiology' }, moderator.cookie, 'not-a-uuid')).statusCode, 404, 'a non-uuid id is 404, never 500');
  t.equal((await decide({ decision: 'maybe' })).statusCode, 422);

  const actions = (await database.pool.query("select action from audit_events where target_id in ($1, $2) order by id", [id, applicant.user.id])).rows.map((r) => r.action);
  t.same(actions, ['verification.requested', 'verification.approved', 'user.role_changed']);
});

t.test('reject: the applicant sees the reason and may resubmit', async (t) => {
  const { app, moderator } = await setup(t);
  const applicant = await signedInUser(app, { role: 'applicant' });
  const id = (await app.inject({ method: 'POST', url: '/api/verification', headers: { cookie: applicant.cookie }, payload: npiClaim })).json().verification.id;
  const url = `/api/moderation/verifications/${id}/decision`;
  const noReason = await app.inject({ method: 'POST', url, headers: { cookie: moderator.cookie }, payload: { decision: 'reject' } });
  t.equal(noReason.statusCode, 422);
  t.equal(noReason.json().error.code, 'reason_required');
  const res = await app.inject({ method: 'POST', url, headers: { cookie: moderator.cookie }, payload: { decision: 'reject', reason: 'The name does not match the NPI record.' } });
  t.equal(res.statusCode, 200);
  const me = (await app.inject({ url: '/api/me', headers: { cookie: applicant.cookie } })).json().user;
  t.match(me, { role: 'applicant', verification: 'rejected', statusReason: 'The name does not match the NPI record.' });
  const own = (await app.inject({ url: '/api/verification', headers: { cookie: applicant.cookie } })).json().verification;
  t.match(own, { status: 'rejected', decisionReason: 'The name does not match the NPI record.' });
  t.equal((await app.inject({ url: '/test/clinical', headers: { cookie: applicant.cookie } })).statusCode, 403);
  const resubmit = await app.inject({ method: 'POST', url: '/api/verification', headers: { cookie: applicant.cookie }, payload: npiClaim });
  t.equal(resubmit.statusCode, 202, 'a rejected applicant may try again');
  t.equal((await app.inject({ url: '/api/me', headers: { cookie: applicant.cookie } })).json().user.statusReason, null);
});

t.test('the queue is for moderators only', async (t) => {
  const { app } = await setup(t);
  for (const role of ['applicant', 'physician'] as const) {
    const { cookie } = await signedInUser(app, { role });
    t.equal((await app.inject({ url: '/api/moderation/verifications', headers: { cookie } })).statusCode, 403, role);
    t.equal((await app.inject({ method: 'POST', url: '/api/moderation/verifications/00000000-0000-4000-8000-000000000000/decision', headers: { cookie }, payload: { decision: 'reject', reason: 'x' } })).statusCode, 403);
  }
  t.equal((await app.inject({ url: '/api/moderation/verifications' })).statusCode, 401);
  const admin = await signedInUser(app, { role: 'admin' });
  t.equal((await app.inject({ url: '/api/moderation/verifications?status=approved', headers: { cookie: admin.cookie } })).statusCode, 200);
  t.equal((await app.inject({ url: '/api/moderation/verifications?status=bogus', headers: { cookie: admin.cookie } })).statusCode, 422);
});
