import t from 'tap';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';
import { caseInput } from '../../helpers/cases.js';

t.test('no case, reply or flag response ever carries email, real name, NPI or account id', async (t) => {
  const { app, database } = await createTestApp(t, { env: { RATE_LIMIT_POSTS_PER_MINUTE: '1000' } });
  const people = await Promise.all(
    ['Quixotella', 'Zanzibarre', 'Wolfenhaxby'].map(async (name, i) => {
      const role = i === 2 ? ('moderator' as const) : ('physician' as const);
      const signed = await signedInUser(app, { role, email: `${name.toLowerCase()}.private@hospital-${name.toLowerCase()}.example` });
      const npi = `19${String(87654321 + i).padStart(8, '0')}`;
      await database.pool.query(
        `insert into verification_requests (user_id, status, npi, first_name, last_name, state, licence_number)
         values ($1, 'approved', $2, $3, $4, 'MA', $5)`,
        [signed.user.id, npi, `${name}first`, `${name}last`, `LIC-${name}`],
      );
      return { ...signed, secrets: [signed.user.email, `${name}first`, `${name}last`, npi, `LIC-${name}`, signed.user.id, signed.user.email.split('@')[1]!] };
    }),
  );
  const [author, colleague, moderator] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
  const bodies: string[] = [];
  const call = async (cookie: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => {
    const res = await app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
    t.ok(res.statusCode < 300, `${method} ${url} → ${res.statusCode}`);
    bodies.push(res.body);
    return res.json();
  };

  const kase = (await call(author.cookie, 'POST', '/api/cases', caseInput())).case;
  const reply = (await call(colleague.cookie, 'POST', `/api/cases/${kase.id}/replies`, { body: 'My answer' })).reply;
  const own = (await call(author.cookie, 'POST', `/api/cases/${kase.id}/replies`, { body: 'Author follow-up' })).reply;
  await call(author.cookie, 'POST', `/api/replies/${reply.id}/vote`);
  await call(colleague.cookie, 'POST', `/api/replies/${own.id}/vote`);
  await call(author.cookie, 'POST', `/api/replies/${reply.id}/helpful`);
  await call(author.cookie, 'POST', `/api/cases/${kase.id}/solved`);
  await call(author.cookie, 'POST', `/api/cases/${kase.id}/outcome`, { outcome: 'Did well.' });
  await call(author.cookie, 'PATCH', `/api/cases/${kase.id}`, { title: 'Edited title' });
  await call(colleague.cookie, 'PATCH', `/api/replies/${reply.id}`, { body: 'Edited answer' });
  const flag = (await call(colleague.cookie, 'POST', '/api/flags', { targetType: 'reply', targetId: own.id, reason: 'Check' })).flag;
  for (const who of people) {
    await call(who.cookie, 'GET', `/api/cases/${kase.id}`);
    await call(who.cookie, 'GET', '/api/cases');
    await call(who.cookie, 'GET', '/api/cases?q=apixaban');
  }
  await call(moderator.cookie, 'GET', '/api/moderation/flags?status=open');
  await call(moderator.cookie, 'POST', `/api/moderation/flags/${flag.id}/decision`, { action: 'hide', reason: 'Looks identifying' });
  await call(moderator.cookie, 'GET', '/api/moderation/flags?status=hidden');
  await call(author.cookie, 'GET', `/api/cases/${kase.id}`);
  await call(moderator.cookie, 'POST', `/api/moderation/content/reply/${own.id}/restore`, { reason: 'Fine after all' });

  const everything = bodies.join('\n').toLowerCase();
  for (const person of people) {
    for (const secret of person.secrets) t.notOk(everything.includes(secret.toLowerCase()), `never shows ${secret}`);
    t.ok(everything.includes(person.user.handle.toLowerCase()) || person === moderator, 'the handle is what others see');
  }
  t.ok(bodies.length > 20);
});
