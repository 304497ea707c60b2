import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { ConfigError, loadConfig } from '../src/config.js';

function captureError(fn: () => unknown): Error | undefined {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'curbside-config-'));

t.test('defaults give a local development server', async (t) => {
  const config = loadConfig({ DATA_DIR: dataDir() });
  t.equal(config.HOST, '127.0.0.1');
  t.equal(config.PORT, 3000);
  t.equal(config.NODE_ENV, 'development');
  t.equal(config.PUBLIC_ORIGIN, 'http://127.0.0.1:3000');
  t.equal(config.RATE_LIMIT_LOGIN_FAILURES, 10);
  t.equal(config.RATE_LIMIT_POSTS_PER_MINUTE, 30);
  t.equal(config.DATABASE_URL, undefined);
});

t.test('a bad value names the variable in one line', async (t) => {
  for (const [name, value] of [
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'staging'],
    ['PUBLIC_ORIGIN', 'not a url'],
    ['SESSION_SECRET', 'short'],
    ['RATE_LIMIT_LOGIN_FAILURES', '-1'],
    ['DATABASE_POOL_SIZE', '0'],
    ['DATABASE_STATEMENT_TIMEOUT_MS', '-5'],
    ['LISTEN_DATABASE_URL', 'http://db'],
    ['SHUTDOWN_TIMEOUT_MS', 'soon'],
    ['METRICS_TOKEN', 'short'],
  ] as const) {
    const error = captureError(() => loadConfig({ DATA_DIR: dataDir(), [name]: value }));
    t.ok(error instanceof ConfigError, `${name}=${value} is refused`);
    t.match(error?.message, new RegExp(`^invalid environment variable ${name}: [^\n]+$`));
  }
});

t.test('production without SESSION_SECRET refuses to start', async (t) => {
  t.throws(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir() }), /SESSION_SECRET is required/);
  const secret = 'x'.repeat(40);
  t.equal(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret, SMTP_URL: 'smtp://127.0.0.1:2525', DATA_DIR: dataDir() }).SESSION_SECRET, secret);
});

t.test('production without SMTP_URL refuses to start; development and tests do without', async (t) => {
  const secret = 'x'.repeat(40);
  t.throws(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret, DATA_DIR: dataDir() }), /SMTP_URL is required/);
  t.equal(loadConfig({ DATA_DIR: dataDir() }).SMTP_URL, undefined);
  t.throws(() => loadConfig({ DATA_DIR: dataDir(), SMTP_URL: 'http://mail' }), /invalid environment variable SMTP_URL/);
});

t.test('development generates a secret once and keeps it in the data dir', async (t) => {
  const dir = dataDir();
  const first = loadConfig({ DATA_DIR: dir }).SESSION_SECRET;
  t.ok(first.length >= 32);
  t.ok(existsSync(path.join(dir, 'session-secret')));
  t.equal(readFileSync(path.join(dir, 'session-secret'), 'utf8').trim(), first);
  t.equal(loadConfig({ DATA_DIR: dir }).SESSION_SECRET, first, 'the same secret after a restart');
  t.not(loadConfig({ DATA_DIR: dataDir() }).SESSION_SECRET, first, 'another data dir, another secret');
});

t.test('operations settings: defaults and values', async (t) => {
  const defaults = loadConfig({ DATA_DIR: dataDir() });
  t.equal(defaults.DATABASE_POOL_SIZE, 10);
  t.equal(defaults.DATABASE_STATEMENT_TIMEOUT_MS, 30_000);
  t.equal(defaults.SHUTDOWN_TIMEOUT_MS, 10_000);
  t.equal(defaults.LISTEN_DATABASE_URL, undefined);
  t.equal(defaults.METRICS_TOKEN, undefined, 'no token, so /metrics is off');
  const set = loadConfig({
    DATA_DIR: dataDir(),
    DATABASE_POOL_SIZE: '25',
    DATABASE_STATEMENT_TIMEOUT_MS: '0',
    LISTEN_DATABASE_URL: 'postgres://app@db-direct:5432/curbside',
    SHUTDOWN_TIMEOUT_MS: '2500',
    METRICS_TOKEN: 'a-long-enough-metrics-token',
  });
  t.equal(set.DATABASE_POOL_SIZE, 25);
  t.equal(set.DATABASE_STATEMENT_TIMEOUT_MS, 0);
  t.equal(set.LISTEN_DATABASE_URL, 'postgres://app@db-direct:5432/curbside');
  t.equal(set.SHUTDOWN_TIMEOUT_MS, 2500);
  t.equal(set.METRICS_TOKEN, 'a-long-enough-metrics-token');
});

t.test('an empty value counts as unset (compose passes left-out settings as "")', async (t) => {
  const config = loadConfig({ DATA_DIR: dataDir(), METRICS_TOKEN: '', LISTEN_DATABASE_URL: '', DATABASE_POOL_SIZE: '', PORT: '' });
  t.equal(config.METRICS_TOKEN, undefined);
  t.equal(config.LISTEN_DATABASE_URL, undefined);
  t.equal(config.DATABASE_POOL_SIZE, 10);
  t.equal(config.PORT, 3000);
});
