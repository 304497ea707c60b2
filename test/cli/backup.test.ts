import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import t from 'tap';
import { restoreBackup } from '../../src/db/backup/restore.js';
import { writeBackup } from '../../src/db/backup/dump.js';
import { connectDatabase } from '../../src/db/client.js';
import { migrationsFolderUpTo, runMigrations, committedMigrations } from '../../src/db/migrate.js';
import { createTestApp } from '../helpers/app.js';
import { signedInUser } from '../helpers/auth.js';
import { createEmptyDatabase } from '../helpers/empty-database.js';
import { goodPassword, sessionCookieFrom } from '../helpers/http.js';
import { runCliProcess } from '../helpers/process.js';
import { postCase, postReply } from '../helpers/threads.js';
import { createReadStream, createWriteStream } from 'node:fs';

/** Every row of every table, as sorted JSON: two databases holding the same data compare equal. */
async function contents(url: string, skipAudit: string[] = []): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>(
      "select relname as name from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by 1",
    );
    const out: Record<string, string[]> = {};
    for (const { name } of tables) {
      const where = name === 'audit_events' && skipAudit.length ? `where action <> all($1)` : '';
      const { rows } = await client.query<{ row: string }>(
        `select to_jsonb(x)::text as row from "${name}" x ${where} order by 1`,
        where ? [skipAudit] : [],
      );
      out[name] = rows.map((r) => r.row);
    }
    return out;
  } finally {
    await client.end();
  }
}

async function cli(args: string[], url: string) {
  const run = runCliProcess(args, { DATABASE_URL: url, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'curbside-cli-')) });
  const code = await run.exited;
  return { code, output: run.output() };
}

// Real processes and embedded clusters: slow on a busy machine, so more than the default 120 s.
t.setTimeout(360_000);

t.test('backup, restore into an empty database, and the app runs on the copy', async (t) => {
  // Real data through the real API: a password account, cases, replies, a vote, a flag, events.
  const source = await createTestApp(t);
  const email = 'restore-me@example.org';
  const password = goodPassword();
  const registered = await source.app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password } });
  t.equal(registered.statusCode, 201);
  const author = await signedInUser(source.app);
  const colleague = await signedInUser(source.app);
  const caseId = await postCase(source.app, author.cookie, { title: 'Refractory hyperkalaemia on sacubitril' });
  await postCase(source.app, colleague.cookie);
  const reply = await postReply(source.app, colleague.cookie, caseId, 'Patiromer and a lower dose; recheck in 48 h.');
  await postReply(source.app, author.cookie, caseId, 'Thanks, will do.');
  t.equal((await source.app.inject({ method: 'POST', url: `/api/replies/${reply.id}/vote`, headers: { cookie: author.cookie } })).statusCode, 200);
  t.equal(
    (await source.app.inject({ method: 'POST', url: '/api/flags', headers: { cookie: author.cookie }, payload: { targetType: 'reply', targetId: reply.id, reason: 'test flag for the backup' } })).statusCode,
    201,
  );
  const sourceUrl = source.database.url;
  // The app's background workers (the mail outbox, the scheduler) stop first, so the rows hold still.
  await source.app.close();
  const before = await contents(sourceUrl);
  t.ok(before.case_events!.length >= 3 && before.users!.length === 3, 'the source holds real data');

  const dir = mkdtempSync(path.join(tmpdir(), 'curbside-backup-'));
  const file = path.join(dir, 'curbside.backup');
  const backup = await cli(['backup', file], sourceUrl);
  t.equal(backup.code, 0, backup.output);
  const summary = JSON.parse(backup.output.trim().split('\n').at(-1)!);
  t.equal(summary.migrations, committedMigrations().length, 'the header names the migration level');
  t.equal(summary.rows, Object.values(before).reduce((n, rows) => n + rows.length, 0), 'every row was written');
  t.match(backup.output, /\n? {2}users: 3 rows/, 'progress names each table');
  const header = JSON.parse(gunzipSync(readFileSync(file)).toString('latin1').split('\n')[0]!);
  t.match(header, { format: 'curbside-backup', version: 1, copyFormat: 'binary' });
  t.ok(header.tables.indexOf('users') < header.tables.indexOf('cases'), 'parents come before children');

  const targetUrl = await createEmptyDatabase(t, 'curbside_restore');
  const restore = await cli(['restore', file], targetUrl);
  t.equal(restore.code, 0, restore.output);
  t.same(await contents(targetUrl, ['database.restore']), before, 'the copy holds exactly the same rows');
  const audit = await contents(targetUrl);
  t.equal(audit.audit_events!.filter((r) => r.includes('"database.restore"')).length, 1, 'the restore is audited');

  // The app starts on the copy: the password still logs in, the thread and search work, and
  // new rows get fresh ids and the next seq.
  const database = connectDatabase(targetUrl);
  t.teardown(() => database.close());
  const copy = await createTestApp(t, { database, env: { SESSION_SECRET: source.config.SESSION_SECRET } });
  const login = await copy.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  t.equal(login.statusCode, 200, 'the argon2 hash survived');
  t.ok(sessionCookieFrom(login));
  const thread = await copy.app.inject({ method: 'GET', url: `/api/cases/${caseId}`, headers: { cookie: author.cookie } });
  t.equal(thread.statusCode, 200, 'an old session token is still valid on the copy');
  t.equal(thread.json().replies.length, 2);
  t.equal(thread.json().replies.find((r: { id: string }) => r.id === reply.id).votes, 1);
  const search = await copy.app.inject({ method: 'GET', url: '/api/cases?q=hyperkalaemia', headers: { cookie: author.cookie } });
  t.same(search.json().items.map((c: { id: string }) => c.id), [caseId], 'the generated search column was rebuilt');
  const { rows: last } = await database.pool.query<{ seq: number }>('select max(seq)::int as seq from case_events where case_id = $1', [caseId]);
  t.ok(last[0]!.seq >= 3, 'the restored event log has the thread\'s events');
  const next = await postReply(copy.app, colleague.cookie, caseId, 'Also stop the potassium supplement.');
  t.equal(next.seq, last[0]!.seq + 1, 'seq continues after the restored events');

  const again = await cli(['restore', file], targetUrl);
  t.equal(again.code, 1, 'a database with data is refused');
  t.match(again.output, /not empty/);
});

t.test('restore refuses a truncated or foreign file and leaves the database empty', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'curbside-backup-bad-'));
  const source = await createTestApp(t);
  await signedInUser(source.app);
  const file = path.join(dir, 'full.backup');
  await writeBackup(source.database.url, createWriteStream(file));
  const raw = gunzipSync(readFileSync(file));
  const truncated = path.join(dir, 'truncated.backup');
  writeFileSync(truncated, gzipSync(raw.subarray(0, raw.length - 20)));
  const target = await createEmptyDatabase(t, 'curbside_restore_bad');
  await t.rejects(restoreBackup(target, createReadStream(truncated)), /truncated/);
  const counts = await contents(target);
  t.same(counts.users, [], 'nothing was kept from the failed restore');

  const foreign = path.join(dir, 'foreign.backup');
  writeFileSync(foreign, gzipSync(Buffer.from('{"hello":"world"}\n')));
  await t.rejects(restoreBackup(target, createReadStream(foreign)), /not a Curbside backup/);
});

t.test('a backup from an older migration level restores, then is upgraded', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'curbside-backup-old-'));
  const oldUrl = await createEmptyDatabase(t, 'curbside_old');
  const old = connectDatabase(oldUrl, { max: 1 });
  await runMigrations(old.db, { folder: migrationsFolderUpTo(1) });
  await old.pool.query("insert into users (email, password_hash, handle) values ('old@example.org', 'x', 'Dr. Old Heron')");
  await old.close();
  const file = path.join(dir, 'old.backup');
  const written = await writeBackup(oldUrl, createWriteStream(file));
  t.equal(written.migrations.count, 1);

  const target = await createEmptyDatabase(t, 'curbside_upgrade');
  const restored = await restoreBackup(target, createReadStream(file));
  t.equal(restored.rows, 1);
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  const users = await client.query('select handle from users');
  const level = await client.query('select count(*)::int as n from drizzle.__drizzle_migrations');
  await client.end();
  t.same(users.rows, [{ handle: 'Dr. Old Heron' }]);
  t.equal(level.rows[0].n, committedMigrations().length, 'the later migrations ran after the data went in');
});
