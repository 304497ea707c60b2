import t from 'tap';
import { runCli } from '../../src/cli/index.js';
import { createTestDatabase } from '../helpers/database.js';
import { serverUrl } from '../helpers/test-server.js';
import { cliIo } from '../helpers/cli.js';


t.test('--help lists the commands', async (t) => {
  const s = cliIo();
  t.equal(await runCli(['--help'], s.streams), 0);
  t.match(s.out(), /Usage: curbside <command>/);
  t.match(s.out(), /migrate/);
});

t.test('an unknown command exits 2 with the help', async (t) => {
  const s = cliIo();
  t.equal(await runCli(['frobnicate'], s.streams), 2);
  t.match(s.err(), /unknown command "frobnicate"/);
});

t.test('migrate applies the migrations to DATABASE_URL', async (t) => {
  const { pool } = await createTestDatabase(t);
  await pool.query('drop schema public cascade; create schema public; drop schema if exists drizzle cascade');
  const url = new URL(serverUrl());
  url.pathname = `/${(await pool.query('select current_database() as db')).rows[0].db}`;
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url.toString();
  t.teardown(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });
  const s = cliIo();
  t.equal(await runCli(['migrate'], s.streams), 0, s.err());
  t.match(s.out(), /migrations applied/);
  const { rows } = await pool.query("select to_regclass('public.users') as users");
  t.equal(rows[0].users, 'users');
  // A second run has nothing left to do and still succeeds.
  t.equal(await runCli(['migrate'], cliIo().streams), 0);
});
