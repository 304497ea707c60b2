import t from 'tap';
import { runCli } from '../../../src/cli/index.js';
import { verifyAuditChain } from '../../../src/modules/audit/service.js';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';
import { cliIo } from '../../helpers/cli.js';
import { withDatabaseName } from '../../helpers/database.js';
import { goodPassword, sessionCookieFrom } from '../../helpers/http.js';
import { OKAFOR, seedRegistry } from '../../helpers/registry.js';
import { serverUrl } from '../../helpers/test-server.js';

const npiClaim = { npi: '1234567893', firstName: 'Chiamaka', lastName: 'Okafor', state: 'NY' };

t.test('login, failure, logout, password change and identity views are audit events in one hash chain', async (t) => {
  const { app, database } = await createTestApp(t);
  await seedRegistry(database, [OKAFOR]);
  const password = goodPassword();
  const registered = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: 'chain@example.org', password } });
  const wrong = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'chain@example.org', password: goodPassword() } });
  t.equal(wrong.statusCode, 401);
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'chain@example.org', password } });
  const cookie = sessionCookieFrom(login)!;
  const newPassword = goodPassword();
  const changed = await app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie }, payload: { currentPassword: password, newPassword } });
  t.equal(changed.statusCode, 200);
  const cookie2 = sessionCookieFrom(changed)!;
  await app.inject({ method: 'POST', url: '/api/verification', headers: { cookie: cookie2 }, payload: npiClaim });
  const moderator = await signedInUser(app, { role: 'moderator' });
  t.equal((await app.inject({ url: '/api/moderation/verifications', headers: { cookie: moderator.cookie } })).statusCode, 200);
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: cookie2 } })).statusCode, 204);

  const userId = registered.json().user.id;
  const { rows } = await database.pool.query('select action, actor_id, target_id, data, prev_hash, hash from audit_events order by id');
  const actions = rows.map((r) => r.action);
  for (const action of ['auth.registered', 'auth.login_failed', 'auth.login', 'auth.password_changed', 'verification.requested', 'identity.viewed', 'auth.logout']) {
    t.ok(actions.includes(action), action);
  }
  const viewed = rows.find((r) => r.action === 'identity.viewed');
  t.equal(viewed.actor_id, moderator.user.id);
  t.same(viewed.data.userIds, [userId], 'names whose identity data was shown');
  const failed = rows.find((r) => r.action === 'auth.login_failed');
  t.notMatch(JSON.stringify(failed.data), /chain@example/, 'the typed email is not stored');
  t.equal(rows[0].prev_hash, '');
  for (let i = 1; i < rows.length; i++) t.equal(rows[i].prev_hash, rows[i - 1].hash, `row ${i} links to the one before`);

  const check = await verifyAuditChain(database.db);
  t.same(check.firstBreak, null);
  t.equal(check.checked, rows.length);
});

t.test('curbside audit verify: exit 0 on an intact chain, prints the first edited or deleted row and exits 1', async (t) => {
  const { app, database } = await createTestApp(t, { env: { LOGIN_SLOWDOWN_MS: '0' } });
  for (let i = 0; i < 4; i++) {
    await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: `x${i}@example.org`, password: goodPassword() } });
  }
  const name = (await database.pool.query('select current_database() as db')).rows[0].db;
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = withDatabaseName(serverUrl(), name);
  t.teardown(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });

  const ok = cliIo();
  t.equal(await runCli(['audit', 'verify'], ok.streams), 0, ok.err());
  t.match(JSON.parse(ok.out()), { ok: true, checked: 4, headHash: /^[0-9a-f]{64}$/ });

  const ids = (await database.pool.query('select id from audit_events order by id')).rows.map((r) => Number(r.id));
  await database.pool.query(`update audit_events set data = '{"emailKey":"forged"}' where id = $1`, [ids[2]]);
  const edited = cliIo();
  t.equal(await runCli(['audit', 'verify'], edited.streams), 1);
  t.match(JSON.parse(edited.out()), { ok: false, firstBadRow: { id: ids[2], problem: 'hash_mismatch' } });
  t.match(edited.err(), new RegExp(`row ${ids[2]}`));

  // Re-hashing the edited row itself does not help: the next row's link no longer matches.
  await database.pool.query(`update audit_events set hash = 'f'||substr(hash, 2) where id = $1`, [ids[2]]);
  await database.pool.query(
    `update audit_events set hash = encode(sha256(convert_to(jsonb_build_array(coalesce(prev_hash, ''), id, actor_id, action, target_type, target_id, request_id, ip::text, data,
      to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'))::text, 'UTF8')), 'hex') where id = $1`,
    [ids[2]],
  );
  const rehashed = cliIo();
  t.equal(await runCli(['audit', 'verify'], rehashed.streams), 1);
  t.match(JSON.parse(rehashed.out()), { firstBadRow: { id: ids[3], problem: 'link_mismatch' } });

  await database.pool.query('delete from audit_events where id >= $1', [ids[2]]);
  await database.pool.query('delete from audit_events where id = $1', [ids[0]]);
  const deleted = cliIo();
  t.equal(await runCli(['audit', 'verify'], deleted.streams), 1);
  t.match(JSON.parse(deleted.out()), { firstBadRow: { id: ids[1], problem: 'link_mismatch' } }, 'a deleted row breaks the next link');
});

t.test('GET /api/moderation/audit: moderators only, newest first, paged by cursor', async (t) => {
  const { app } = await createTestApp(t, { env: { LOGIN_SLOWDOWN_MS: '0' } });
  for (let i = 0; i < 55; i++) {
    await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: `p${i}@example.org`, password: 'not-the-password' } });
  }
  const physician = await signedInUser(app);
  t.equal((await app.inject({ url: '/api/moderation/audit', headers: { cookie: physician.cookie } })).statusCode, 403);
  const moderator = await signedInUser(app, { role: 'moderator' });
  const first = await app.inject({ url: '/api/moderation/audit', headers: { cookie: moderator.cookie } });
  t.equal(first.statusCode, 200);
  const page1 = first.json();
  t.equal(page1.items.length, 50);
  const ids = page1.items.map((i: { id: string }) => Number(i.id));
  t.same(ids, [...ids].sort((a, b) => b - a), 'newest first');
  t.ok(page1.nextCursor);
  const page2 = (await app.inject({ url: `/api/moderation/audit?cursor=${page1.nextCursor}`, headers: { cookie: moderator.cookie } })).json();
  t.equal(page2.items.length, 5);
  t.ok(Number(page2.items[0].id) < ids.at(-1)!);
  t.equal(page2.nextCursor, null);
  t.equal((await app.inject({ url: '/api/moderation/audit?cursor=abc', headers: { cookie: moderator.cookie } })).statusCode, 422);
});
