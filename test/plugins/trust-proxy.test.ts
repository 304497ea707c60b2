import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { parseTrustProxy, validAddress } from '../../src/plugins/trust-proxy.js';
import { createTestApp } from '../helpers/app.js';
import { goodPassword } from '../helpers/http.js';

t.test('TRUST_PROXY takes a hop count or a list of addresses and CIDRs, nothing else', async (t) => {
  t.equal(parseTrustProxy('0'), false);
  t.type(parseTrustProxy('1'), 'function');
  t.same(parseTrustProxy('10.0.0.0/8, 127.0.0.1,::1'), ['10.0.0.0/8', '127.0.0.1', '::1']);
  for (const bad of ['yes', '10.0.0.0/33', '300.1.1.1', 'proxy.local', '10.0.0.0/8/1', ',']) {
    t.throws(() => parseTrustProxy(bad), bad);
  }
  t.throws(() => loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(32), TRUST_PROXY: 'everyone' }), /TRUST_PROXY/);
  t.equal(loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'x'.repeat(32) }).TRUST_PROXY, false);
  t.equal(validAddress('notanip'), null);
  t.equal(validAddress('fe80::1%eth0'), 'fe80::1');
  t.equal(validAddress('203.0.113.9'), '203.0.113.9');
});

/** The address the audit log recorded for this registration. */
async function registeredIp(app: Awaited<ReturnType<typeof createTestApp>>, headers: Record<string, string>, remoteAddress = '127.0.0.1') {
  const email = `ip-${Math.random().toString(36).slice(2)}@example.org`;
  const res = await app.app.inject({ method: 'POST', url: '/api/auth/register', headers, remoteAddress, payload: { email, password: goodPassword() } });
  const { rows } = await app.database.pool.query(
    "select host(ip) as ip from audit_events where action = 'auth.registered' and target_id = $1",
    [res.json().user.id],
  );
  return { status: res.statusCode, ip: rows[0]?.ip as string | undefined };
}

t.test('unset: X-Forwarded-For is ignored, the socket address is the client', async (t) => {
  const app = await createTestApp(t);
  const seen = await registeredIp(app, { 'x-forwarded-for': '198.51.100.7' }, '192.0.2.10');
  t.equal(seen.status, 201);
  t.equal(seen.ip, '192.0.2.10');
});

t.test('a hop count trusts that many proxies; notanip never reaches a query', async (t) => {
  const app = await createTestApp(t, { env: { TRUST_PROXY: '1' } });
  t.equal((await registeredIp(app, { 'x-forwarded-for': '203.0.113.5, 198.51.100.7' }, '10.0.0.2')).ip, '198.51.100.7');
  const garbage = await registeredIp(app, { 'x-forwarded-for': 'notanip' }, '10.0.0.2');
  t.equal(garbage.status, 201);
  t.equal(garbage.ip, '10.0.0.2', 'an address that is not one falls back to the socket');
  const login = await app.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'x-forwarded-for': 'notanip' },
    payload: { email: 'nobody@example.org', password: 'wrong-password-123' },
  });
  t.equal(login.statusCode, 401);
});

t.test('a list trusts only the named proxies', async (t) => {
  const app = await createTestApp(t, { env: { TRUST_PROXY: '10.0.0.0/8' } });
  t.equal((await registeredIp(app, { 'x-forwarded-for': '198.51.100.7' }, '10.1.2.3')).ip, '198.51.100.7');
  t.equal((await registeredIp(app, { 'x-forwarded-for': '198.51.100.7' }, '192.0.2.44')).ip, '192.0.2.44', 'a peer outside the list cannot name the client');
});
