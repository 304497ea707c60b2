import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { migrationsFolder } from '../../src/db/migrate.js';
import { createTestDatabase } from '../helpers/database.js';
import { repoRoot } from '../helpers/test-server.js';

const run = promisify(execFile);

t.test('the committed migrations match the drizzle schema (no drift)', async (t) => {
  // Generate against a copy of the committed history: any schema change not yet generated
  // would produce a new migration file there.
  const copy = path.join(mkdtempSync(path.join(tmpdir(), 'curbside-drift-')), 'migrations');
  cpSync(migrationsFolder, copy, { recursive: true });
  const before = readdirSync(copy).sort();
  // drizzle-kit prefixes --out with './', so it must be given relative to the project.
  const { stdout, stderr } = await run(
    path.join(repoRoot, 'node_modules', '.bin', 'drizzle-kit'),
    ['generate', '--dialect', 'postgresql', '--schema', './src/db/schema/index.ts', '--out', path.relative(repoRoot, copy)],
    { cwd: repoRoot },
  );
  t.same(readdirSync(copy).sort(), before, 'drizzle-kit generated nothing new');
  t.match(stdout + stderr, /No schema changes/);
});

t.test('migrations create every table of the schema', async (t) => {
  const { pool } = await createTestDatabase(t);
  const { rows } = await pool.query<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema = 'public' order by 1",
  );
  const tables = rows.map((r) => r.table_name);
  for (const table of ['users', 'sessions', 'audit_events', 'verification_requests', 'npi_registry', 'cases', 'replies', 'case_events', 'flags']) {
    t.ok(tables.includes(table), `${table} exists`);
  }
});

t.test('the database refuses an exact age over 89', async (t) => {
  const { pool } = await createTestDatabase(t);
  const user = await pool.query<{ id: string }>(
    "insert into users (email, password_hash, handle) values ('a@example.org', 'x', 'Dr. Test') returning id",
  );
  const insert = (age: number | null, over: boolean) =>
    pool.query(
      `insert into cases (author_id, title, age, age_over_89, sex, specialty, urgency, body, question)
       values ($1, 't', $2, $3, 'female', 'cardiology', 'routine', 'b', 'q')`,
      [user.rows[0]!.id, age, over],
    );
  await t.resolves(insert(89, false));
  await t.resolves(insert(null, true));
  await t.rejects(insert(93, false), /cases_age_range/);
  await t.rejects(insert(50, true), /cases_age_band/);
});
