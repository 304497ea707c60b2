import t from 'tap';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ValidationError } from '../src/errors.js';
import { createTestApp } from './helpers/app.js';

const UUID = /^[0-9a-f-]{36}$/;

t.test('GET /healthz answers ok once the database answers', async (t) => {
  const { app } = await createTestApp(t);
  const res = await app.inject({ method: 'GET', url: '/healthz' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { status: 'ok' });
  t.match(res.headers['x-request-id'], UUID);
});

t.test('GET /healthz is 503 in the SPEC error shape when the database is gone', async (t) => {
  const { app, database } = await createTestApp(t);
  await database.pool.end();
  const res = await app.inject({ method: 'GET', url: '/healthz' });
  t.equal(res.statusCode, 503);
  t.equal(res.json().error.code, 'database_unavailable');
});

t.test('errors carry the SPEC shape with the request id', async (t) => {
  const { app } = await createTestApp(t);
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/test/strict', { schema: { body: z.strictObject({ title: z.string(), age: z.number().int().max(130) }) } }, async () => ({ ok: true }));
  api.get('/test/boom', async () => {
    throw new Error('secret internal detail');
  });
  api.get('/test/rule', async () => {
    throw new ValidationError('invalid_npi', 'NPI check digit is wrong', 'npi');
  });

  await t.test('unknown route: 404', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/no/such/route?q=x' });
    t.equal(res.statusCode, 404);
    const body = res.json();
    t.equal(body.error.code, 'not_found');
    t.equal(body.error.requestId, res.headers['x-request-id']);
    t.notMatch(body.error.message, /q=x/);
  });

  await t.test('malformed JSON: 400 invalid_json', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/test/strict', headers: { 'content-type': 'application/json' }, payload: '{"title":' });
    t.equal(res.statusCode, 400);
    t.equal(res.json().error.code, 'invalid_json');
    t.match(res.json().error.requestId, UUID);
  });

  await t.test('unknown field: 400 with details', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/test/strict', payload: { title: 'x', age: 3, extra: 1 } });
    t.equal(res.statusCode, 400);
    t.equal(res.json().error.code, 'validation_failed');
    t.ok(res.json().error.details.issues.length > 0);
  });

  await t.test('wrong type: 400; broken rule: 422', async (t) => {
    const wrongType = await app.inject({ method: 'POST', url: '/test/strict', payload: { title: 'x', age: 'old' } });
    t.equal(wrongType.statusCode, 400);
    const tooOld = await app.inject({ method: 'POST', url: '/test/strict', payload: { title: 'x', age: 500 } });
    t.equal(tooOld.statusCode, 422);
    t.match(tooOld.json().error.message, /age/);
    const rule = await app.inject({ method: 'GET', url: '/test/rule' });
    t.equal(rule.statusCode, 422);
    t.equal(rule.json().error.code, 'invalid_npi');
    t.equal(rule.json().error.details.field, 'npi', 'the field is named for forms');
  });

  await t.test('an unexpected error: 500 without a stack or the message', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/test/boom' });
    t.equal(res.statusCode, 500);
    t.equal(res.json().error.code, 'internal_error');
    t.notMatch(res.body, /secret internal detail|at .*\.ts/);
  });

  await t.test('a safe incoming x-request-id is kept for tracing', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/nope', headers: { 'x-request-id': 'trace-12345678' } });
    t.equal(res.json().error.requestId, 'trace-12345678');
    const unsafe = await app.inject({ method: 'GET', url: '/nope', headers: { 'x-request-id': '<script>' } });
    t.match(unsafe.json().error.requestId, UUID);
  });
});

t.test('closing lets an in-flight request finish', async (t) => {
  const { app } = await createTestApp(t);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  app.get('/test/slow', async () => {
    await gate;
    return { done: true };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  const inFlight = fetch(`http://127.0.0.1:${address.port}/test/slow`);
  await new Promise((r) => setTimeout(r, 100));
  const closed = app.close();
  release();
  const res = await inFlight;
  t.equal(res.status, 200);
  t.same(await res.json(), { done: true });
  await closed;
});
