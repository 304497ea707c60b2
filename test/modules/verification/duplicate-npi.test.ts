import t from 'tap';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';
import { OKAFOR, seedRegistry } from '../../helpers/registry.js';

const npiClaim = { npi: '1234567893', firstName: 'Chiamaka', lastName: 'Okafor', state: 'NY' };

t.test('two applicants claiming one NPI: the queue shows each the other as evidence', async (t) => {
  const { app, database } = await createTestApp(t);
  await seedRegistry(database, [OKAFOR]);
  const first = await signedInUser(app, { role: 'applicant' });
  const second = await signedInUser(app, { role: 'applicant' });
  const third = await signedInUser(app, { role: 'applicant' });
  for (const applicant of [first, second]) {
    const res = await app.inject({ method: 'POST', url: '/api/verification', headers: { cookie: applicant.cookie }, payload: npiClaim });
    t.equal(res.statusCode, 202);
  }
  await app.inject({
    method: 'POST',
    url: '/api/verification',
    headers: { cookie: third.cookie },
    payload: { country: 'GB', registry: 'GMC', licenceNumber: '7654321', firstName: 'Ann', lastName: 'Lee' },
  });
  const moderator = await signedInUser(app, { role: 'moderator' });
  const queue = await app.inject({ url: '/api/moderation/verifications', headers: { cookie: moderator.cookie } });
  const items: Array<{ userId: string; duplicateNpi: boolean; evidence: { duplicateNpi: boolean }; npiAlsoClaimedBy: Array<{ handle: string }> }> = queue.json().items;
  const byUser = new Map(items.map((item) => [item.userId, item]));
  t.match(byUser.get(first.user.id), { duplicateNpi: true, evidence: { duplicateNpi: true }, npiAlsoClaimedBy: [{ handle: second.user.handle, status: 'pending' }] });
  t.match(byUser.get(second.user.id), { duplicateNpi: true, npiAlsoClaimedBy: [{ handle: first.user.handle }] });
  t.match(byUser.get(third.user.id), { duplicateNpi: false, npiAlsoClaimedBy: [] });

  const page = await app.inject({ url: '/moderation', headers: { cookie: moderator.cookie, accept: 'text/html' } });
  t.equal(page.statusCode, 200);
  t.match(page.body, /Same NPI claimed by/);
});
