import Fastify from 'fastify';
import t from 'tap';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { compiledSerializerCompiler } from '../../src/plugins/serializer.js';

const out = z.object({
  id: z.string(),
  age: z.union([z.number(), z.literal('90+')]).nullable(),
  author: z.object({ handle: z.string(), specialty: z.string().nullable() }),
  hiddenReason: z.string().nullable().optional(),
});

async function appWith(verify: boolean, data: unknown) {
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(compiledSerializerCompiler({ verify }));
  app.get('/thing', { schema: { response: { 200: out } } }, async () => data);
  return app;
}

t.test('the compiled serialiser writes only what the output schema names', async (t) => {
  const app = await appWith(false, {
    id: 'a',
    age: '90+',
    author: { handle: 'Dr. A', specialty: null, email: 'private@example.org' },
    passwordHash: 'secret',
  });
  t.teardown(() => app.close());
  const res = await app.inject({ url: '/thing' });
  t.equal(res.statusCode, 200);
  t.equal(res.body, '{"id":"a","age":"90+","author":{"handle":"Dr. A","specialty":null}}');
  t.notMatch(res.body, /private|secret/);
});

t.test('with verify, output the zod schema would refuse is a server error, not a coerced answer', async (t) => {
  const wrong = { id: 'a', age: 'forty', author: { handle: 'Dr. A', specialty: null } };
  const checked = await appWith(true, wrong);
  t.teardown(() => checked.close());
  t.equal((await checked.inject({ url: '/thing' })).statusCode, 500);
  const good = await appWith(true, { id: 'b', age: 41, author: { handle: 'Dr. B', specialty: 'cardiology' }, hiddenReason: null });
  t.teardown(() => good.close());
  const res = await good.inject({ url: '/thing' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { id: 'b', age: 41, author: { handle: 'Dr. B', specialty: 'cardiology' }, hiddenReason: null });
});
