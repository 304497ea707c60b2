import t from 'tap';
import { assertPasswordAllowed, isCommonPassword, verifyPassword, hashPassword } from '../../../src/modules/auth/passwords.js';
import { slowdownMs } from '../../../src/modules/auth/throttle.js';
import { readFileSync } from 'node:fs';

t.test('the common password list ships with 1,000 entries', async (t) => {
  const lines = readFileSync(new URL('../../../data/common-passwords.txt', import.meta.url), 'utf8').trim().split('\n');
  t.equal(lines.length, 1000);
  for (const word of ['123456', 'password', 'qwerty', 'iloveyou']) t.ok(isCommonPassword(word), word);
});

t.test('common passwords dressed up to pass the length rule are refused', async (t) => {
  for (const p of ['password1234', 'PASSWORD2024!', 'dragondragon', 'aaaaaaaaaaaa', '!!letmein!!!']) t.ok(isCommonPassword(p), p);
  for (const p of ['violet-harbour-lantern', 'correct horse battery staple', 'Tr0ub4dor&3xyz']) t.notOk(isCommonPassword(p), p);
});

t.test('password rules', async (t) => {
  t.throws(() => assertPasswordAllowed('short'), { code: 'password_too_short', statusCode: 422 });
  t.throws(() => assertPasswordAllowed('ééééééééééé'), { code: 'password_too_short' }, 'counted in characters');
  t.throws(() => assertPasswordAllowed('x'.repeat(2000)), { code: 'password_too_long' });
  t.throws(() => assertPasswordAllowed('monkey123456'), { code: 'password_too_common' });
  t.doesNotThrow(() => assertPasswordAllowed('violet-harbour-lantern'));
});

t.test('verifyPassword', async (t) => {
  const hash = await hashPassword('violet-harbour-lantern');
  t.ok(await verifyPassword(hash, 'violet-harbour-lantern'));
  t.notOk(await verifyPassword(hash, 'violet-harbour-lanterN'));
  t.notOk(await verifyPassword(undefined, 'curbside-dummy-password-for-timing'), 'the dummy hash never matches');
  t.notOk(await verifyPassword('not-a-login-account', 'anything'), 'a placeholder hash never matches');
});

t.test('slowdown grows after three failures and is capped', async (t) => {
  t.same([0, 1, 2, 3, 4, 5].map((n) => slowdownMs(n, 250)), [0, 0, 0, 250, 500, 750]);
  t.equal(slowdownMs(50, 250), 2000);
  t.equal(slowdownMs(9, 0), 0);
});
