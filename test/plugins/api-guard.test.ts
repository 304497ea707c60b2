import t from 'tap';
import { createTestApp } from '../helpers/app.js';
import { signedInUser } from '../helpers/auth.js';

t.test('unsafe API requests from another site are refused with 403 cross_origin', async (t) => {
  const { app } = await createTestApp(t);
  const user = await signedInUser(app);
  const logout = (headers: Record<string, string>) =>
    app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: user.cookie, ...headers } });

  const foreign: Array<Record<string, string>> = [
    { origin: 'https://evil.example' },
    { origin: 'null' },
    { origin: 'http://localhost:3000.evil.example' },
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-site' },
    { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-site' },
  ];
  for (const headers of foreign) {
    const res = await logout(headers);
    t.equal(res.statusCode, 403, JSON.stringify(headers));
    t.equal(res.json().error.code, 'cross_origin');
  }
  const me = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: user.cookie, origin: 'https://evil.example' } });
  t.equal(me.statusCode, 200, 'safe methods are not refused (the answer is no-store and CORS-less)');

  const same = await logout({ origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' });
  t.equal(same.statusCode, 204, 'the site itself may post a body-less request');
});

t.test('an Origin naming the host the request went to is this site', async (t) => {
  const { app } = await createTestApp(t);
  const user = await signedInUser(app);
  const res = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: user.cookie, host: 'curbside.test:8443', origin: 'https://curbside.test:8443' } });
  t.equal(res.statusCode, 204);
});

t.test('every /api/ answer is Cache-Control: no-store, errors and unknown paths too', async (t) => {
  const { app } = await createTestApp(t);
  const user = await signedInUser(app);
  for (const [method, url, headers] of [
    ['GET', '/api/me', { cookie: user.cookie }],
    ['GET', '/api/me', {}],
    ['GET', '/api/cases?cursor=%%%', { cookie: user.cookie }],
    ['GET', '/api/no/such/thing', {}],
    ['POST', '/api/auth/logout', { origin: 'https://evil.example' }],
  ] as const) {
    const res = await app.inject({ method, url, headers });
    t.equal(res.headers['cache-control'], 'no-store', `${method} ${url} ${res.statusCode}`);
  }
});
