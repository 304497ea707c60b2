import t from 'tap';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';

t.test('admins change roles; nobody else can', async (t) => {
  const { app, database } = await createTestApp(t);
  const admin = await signedInUser(app, { role: 'admin' });
  const moderator = await signedInUser(app, { role: 'moderator' });
  const target = await signedInUser(app, { role: 'physician' });
  const url = `/api/admin/users/${target.user.id}/role`;

  t.equal((await app.inject({ method: 'POST', url, headers: { cookie: moderator.cookie }, payload: { role: 'moderator' } })).statusCode, 403);
  t.equal((await app.inject({ method: 'POST', url, payload: { role: 'moderator' } })).statusCode, 401);

  const res = await app.inject({ method: 'POST', url, headers: { cookie: admin.cookie }, payload: { role: 'moderator' } });
  t.equal(res.statusCode, 200);
  t.match(res.json().user, { id: target.user.id, role: 'moderator' });
  t.equal((await app.inject({ url: '/api/moderation/verifications', headers: { cookie: target.cookie } })).statusCode, 200, 'applies to the live session at once');

  const audit = await database.pool.query("select actor_id, data from audit_events where action = 'user.role_changed' and target_id = $1", [target.user.id]);
  t.equal(audit.rows[0].actor_id, admin.user.id);
  t.same(audit.rows[0].data, { from: 'physician', to: 'moderator', cause: 'admin' });

  t.equal((await app.inject({ method: 'POST', url, headers: { cookie: admin.cookie }, payload: { role: 'emperor' } })).statusCode, 422);
  t.equal((await app.inject({ method: 'POST', url: `/api/admin/users/${admin.user.id}/role`, headers: { cookie: admin.cookie }, payload: { role: 'applicant' } })).statusCode, 422, 'not your own role');
  t.equal((await app.inject({ method: 'POST', url: '/api/admin/users/nope/role', headers: { cookie: admin.cookie }, payload: { role: 'admin' } })).statusCode, 404);
});
