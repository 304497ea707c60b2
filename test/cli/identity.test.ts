import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import t from 'tap';
import { runCli } from '../../src/cli/index.js';
import { createTestApp } from '../helpers/app.js';
import { createTestDatabase, withDatabaseName } from '../helpers/database.js';
import { syntheticRecords, writeNppesFile } from '../helpers/nppes-fixture.js';
import { serverUrl } from '../helpers/test-server.js';

function io(input = '') {
  const stdin = new PassThrough();
  stdin.end(input);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  return { streams: { stdin, stdout, stderr }, out: () => out, err: () => err };
}

/** Points the CLI (which reads DATABASE_URL like the server) at this file's test database. */
async function cliDatabase(t: Parameters<typeof createTestDatabase>[0]) {
  const database = await createTestDatabase(t);
  const name = (await database.pool.query('select current_database() as db')).rows[0].db;
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = withDatabaseName(serverUrl(), name);
  t.teardown(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });
  return database;
}

t.test('user create makes a verified account that can log in', async (t) => {
  const database = await cliDatabase(t);
  const s = io('violet-harbour-lantern\nignored second line\n');
  const code = await runCli(['user', 'create', '--email', 'Mod@Example.org', '--role', 'moderator'], s.streams);
  t.equal(code, 0, s.err());
  const printed = JSON.parse(s.out());
  t.match(printed, { id: /^[0-9a-f-]{36}$/, handle: /^Dr\. /, role: 'moderator' });
  const { rows } = await database.pool.query('select role, verification, password_hash from users where id = $1', [printed.id]);
  t.match(rows[0], { role: 'moderator', verification: 'verified', password_hash: /^\$argon2id\$/ });
  const audit = await database.pool.query("select actor_id from audit_events where action = 'user.created' and target_id = $1", [printed.id]);
  t.equal(audit.rowCount, 1);

  const { app } = await createTestApp(t, { database });
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'mod@example.org', password: 'violet-harbour-lantern' } });
  t.equal(login.statusCode, 200);
  t.equal(login.json().user.role, 'moderator');

  const physician = io('a-physician-passphrase\n');
  t.equal(await runCli(['user', 'create', '--email', 'doc@example.org', '--role', 'physician', '--specialty', 'nephrology'], physician.streams), 0, physician.err());
  t.match(JSON.parse(physician.out()), { role: 'physician', specialty: 'nephrology' });
});

t.test('user create refuses bad input with a clear message', async (t) => {
  await cliDatabase(t);
  const weak = io('password\n');
  t.equal(await runCli(['user', 'create', '--email', 'a@example.org', '--role', 'admin'], weak.streams), 1);
  t.match(weak.err(), /at least 12 characters/);
  const common = io('password1234\n');
  t.equal(await runCli(['user', 'create', '--email', 'a@example.org', '--role', 'admin'], common.streams), 1);
  t.match(common.err(), /most commonly used/);
  const role = io('violet-harbour-lantern\n');
  t.equal(await runCli(['user', 'create', '--email', 'a@example.org', '--role', 'emperor'], role.streams), 2);
  t.match(role.err(), /--role must be one of physician, moderator, admin/);
  const specialty = io('violet-harbour-lantern\n');
  t.equal(await runCli(['user', 'create', '--email', 'a@example.org', '--role', 'physician', '--specialty', 'astrology'], specialty.streams), 2);
  const noEmail = io('violet-harbour-lantern\n');
  t.equal(await runCli(['user', 'create', '--role', 'admin'], noEmail.streams), 2);
  const empty = io('');
  t.equal(await runCli(['user', 'create', '--email', 'a@example.org', '--role', 'admin'], empty.streams), 2);
  t.match(empty.err(), /first line of stdin/);
  t.equal(await runCli(['user', 'create', '--email', 'a@example.org', '--role', 'admin'], io('violet-harbour-lantern\n').streams), 0);
  const dup = io('violet-harbour-lantern\n');
  t.equal(await runCli(['user', 'create', '--email', 'A@example.org', '--role', 'admin'], dup.streams), 1);
  t.match(dup.err(), /already exists/);
});

t.test('npi import reports its counts', async (t) => {
  const database = await cliDatabase(t);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'curbside-cli-')), 'npidata_pfile.csv');
  await writeNppesFile(file, syntheticRecords(500));
  const s = io();
  t.equal(await runCli(['npi', 'import', file], s.streams), 0, s.err());
  t.match(s.out(), /rows read:\s+500\n/);
  t.match(s.out(), /inserted:\s+500\n/);
  t.match(s.out(), /deactivated:\s+25\n/);
  t.match(s.out(), /skipped \(invalid\):\s+0\n/);
  t.equal(s.err(), '', 'no progress bar when stderr is not a terminal');
  t.equal((await database.pool.query('select count(*)::int n from npi_registry')).rows[0].n, 500);

  const again = io();
  t.equal(await runCli(['npi', 'import', file], again.streams), 0);
  t.match(again.out(), /inserted:\s+0\nupdated:\s+0\nunchanged:\s+500\n/);

  const tty = io();
  Object.assign(tty.streams.stderr, { isTTY: true });
  t.equal(await runCli(['npi', 'import', file], tty.streams), 0);
  t.match(tty.err(), /\r100\.0%\s+500 rows\s+[\d,]+ rows\/s/, 'progress on a terminal');

  const missing = io();
  t.equal(await runCli(['npi', 'import', '/no/such/file.csv'], missing.streams), 1);
  t.match(missing.err(), /no such file/);
  t.equal(await runCli(['npi', 'import'], io().streams), 2);
});
