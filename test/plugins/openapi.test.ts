import t from 'tap';
import { createTestApp } from '../helpers/app.js';

t.test('GET /api/openapi.json describes every /api route, from the zod schemas', async (t) => {
  const { app } = await createTestApp(t);
  await app.ready();
  const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
  t.equal(res.statusCode, 200);
  const doc = res.json() as {
    openapi: string;
    paths: Record<string, Record<string, { requestBody?: unknown; responses?: Record<string, unknown> }>>;
  };
  t.match(doc.openapi, /^3\./);

  // Routes are collected by an onRoute hook, so routes added later are checked too.
  const api = app.registeredRoutes.filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD');
  t.ok(api.length >= 20, `found ${api.length} /api routes`);
  for (const route of api) {
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    t.ok(doc.paths[path]?.[route.method.toLowerCase()], `${route.method} ${route.url} is documented`);
  }
  t.notOk(Object.keys(doc.paths).some((p) => !p.startsWith('/api/')), 'pages, /ws and /metrics are left out');

  // The shapes come from the zod schemas: the register body names its fields.
  const register = doc.paths['/api/auth/register']!.post!;
  t.match(JSON.stringify(register.requestBody), /"email"/);
  t.match(JSON.stringify(register.requestBody), /"password"/);
  t.ok(register.responses?.['201'], 'the 201 response is described');
});
