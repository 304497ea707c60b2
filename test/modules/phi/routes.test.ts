import t from 'tap';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';

t.test('POST /api/phi/scan returns findings with offsets for physicians only', async (t) => {
  const { app } = await createTestApp(t);
  const text = 'Seen by me on 03/14/2024; call her daughter at 617-555-0199. INR 2.3, BP 120/80.';
  t.equal((await app.inject({ method: 'POST', url: '/api/phi/scan', payload: { text } })).statusCode, 401);
  const applicant = await signedInUser(app, { role: 'applicant' });
  t.equal((await app.inject({ method: 'POST', url: '/api/phi/scan', headers: { cookie: applicant.cookie }, payload: { text } })).statusCode, 403);

  const { cookie } = await signedInUser(app);
  const res = await app.inject({ method: 'POST', url: '/api/phi/scan', headers: { cookie }, payload: { text } });
  t.equal(res.statusCode, 200);
  const { findings } = res.json() as { findings: Array<{ start: number; end: number; type: string; text: string }> };
  for (const f of findings) t.equal(text.slice(f.start, f.end), f.text, 'offsets point at the text');
  t.ok(findings.some((f) => f.type === 'DATE' && f.text.includes('03/14/2024')), 'the date');
  t.ok(findings.some((f) => f.type === 'CONTACT' && f.text.includes('617-555-0199')), 'the phone number');
  t.notOk(findings.some((f) => /2\.3|120\/80/.test(f.text)), 'lab values are not PHI');
});

t.test('POST /api/phi/scan validates its input', async (t) => {
  const { app } = await createTestApp(t);
  const { cookie } = await signedInUser(app);
  const post = (payload: unknown) => app.inject({ method: 'POST', url: '/api/phi/scan', headers: { cookie }, payload: payload as object });
  t.equal((await post({})).statusCode, 400, 'missing text');
  t.equal((await post({ text: 3 })).statusCode, 400, 'wrong type');
  t.equal((await post({ text: 'x', extra: true })).statusCode, 400, 'unknown field');
  t.equal((await post({ text: 'x'.repeat(100_001) })).statusCode, 422, 'too long');
  t.same((await post({ text: '' })).json(), { findings: [] });
});
