/**
 * Thread benchmark, run on purpose (not in the test suite):
 *
 *   npm run bench:threads               # BENCH_SERVER_URL=postgres://postgres@127.0.0.1:5432/postgres by default
 *
 * Creates a scratch database on that server, migrates it, seeds 1,000 cases × 50 replies of
 * ~600 characters, and starts, as separate processes on free ports, the real server
 * (src/server.ts, production mode) and a bare Fastify 5 + pg baseline (bench/baseline-server.ts:
 * one query, JSON or a template-literal page). Both are driven by autocannon in the same run,
 * alternating, with a random thread (and session) per request:
 *   thread JSON   GET /api/cases/:id   vs the bare JSON
 *   thread page   GET /cases/:id       vs the bare HTML
 *   reply         POST /api/cases/:id/replies (PHI scan, audit, event, NOTIFY) over 20 threads
 * then sends 100 requests of each kind one at a time while bench/query-probe.ts counts the
 * server's SQL statements and their times. Prints the tables and the ratios, then drops the
 * database. BENCH_PROFILE=dir writes a V8 CPU profile of the real server into dir
 * (summarise it with `npx tsx bench/profile-summary.ts dir`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { connectDatabase } from '../src/db/client.js';
import { freePort } from '../src/db/free-port.js';
import { runMigrations } from '../src/db/migrate.js';
import { SESSION_COOKIE } from '../src/modules/auth/session-types.js';
import { startSession } from '../src/modules/auth/sessions.js';
import { renderMarkdown } from '../src/modules/cases/markdown.js';
import { evaluateGate } from '../src/modules/phi/gate.js';

const SERVER_URL = process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CASES = Number(process.env.BENCH_CASES ?? 1000);
const REPLIES_PER_CASE = Number(process.env.BENCH_REPLIES ?? 50);
const USERS = 200;
const WRITE_THREADS = 20;
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PROFILE_DIR = process.env.BENCH_PROFILE;
const root = fileURLToPath(new URL('..', import.meta.url));

const withDatabase = (url: string, name: string) => {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
};

/** ~600 characters of clinical prose the PHI gate passes (checked below, so the POSTs are real writes). */
const REPLY_TEXTS = [
  'With a creatinine clearance of 28 the label dose still applies unless two of the three criteria are met: age, weight and creatinine. ',
  'I would check the trough level after the third dose and repeat the renal panel; if potassium climbs, hold the ACE inhibitor first. ',
  'Our group would start with **echocardiography** and a Holter before escalating; the pretest probability does not justify imaging yet. ',
  'Consider that the anaemia may be dilutional. A reticulocyte count and ferritin would separate iron deficiency from chronic disease. ',
].map((sentence) => sentence.repeat(6).slice(0, 600));

async function seed(databaseUrl: string, secret: string): Promise<{ caseIds: string[]; cookies: string[] }> {
  const handle = connectDatabase(databaseUrl, { max: 4 });
  try {
    await runMigrations(handle.db);
    const pool = handle.pool;
    for (const text of REPLY_TEXTS) {
      const gate = evaluateGate({ body: text });
      if (gate.outcome !== 'clean') throw new Error(`bench reply text trips the PHI gate: ${JSON.stringify(gate.findings)}`);
    }
    const users = await pool.query<{ id: string }>(
      `insert into users (email, password_hash, handle, role, verification, specialty)
       select 'bench' || i || '@example.org', 'x', 'Dr. Bench ' || i, 'physician', 'verified', 'cardiology'
       from generate_series(1, $1) i returning id`,
      [USERS],
    );
    const userIds = users.rows.map((r) => r.id);
    const caseBody = REPLY_TEXTS[0]!;
    const cases = await pool.query<{ id: string }>(
      `insert into cases (author_id, title, age, sex, specialty, urgency, body, body_html, question, question_html, reply_count, last_seq, created_at, updated_at)
       select ($1::uuid[])[1 + (i % $2)], 'Bench case ' || i, 40 + (i % 40), 'female', 'cardiology', 'routine', $3, $4,
              'What would you do next?', $5, $6, $6, now() - (i || ' minutes')::interval, now() - (i || ' minutes')::interval
       from generate_series(1, $7) i returning id`,
      [userIds, USERS, caseBody, renderMarkdown(caseBody), renderMarkdown('What would you do next?'), REPLIES_PER_CASE, CASES],
    );
    const caseIds = cases.rows.map((r) => r.id);
    const htmls = REPLY_TEXTS.map(renderMarkdown);
    await pool.query(
      `insert into replies (case_id, author_id, seq, body, body_html, votes, created_at, updated_at)
       select c.id, ($2::uuid[])[1 + ((c.n * 7 + s) % $3)], s, ($4::text[])[1 + (s % 4)], ($5::text[])[1 + (s % 4)], s % 5,
              now() - ((60 - s) || ' seconds')::interval, now() - ((60 - s) || ' seconds')::interval
       from unnest($1::uuid[]) with ordinality as c(id, n), generate_series(1, $6) s`,
      [caseIds, userIds, USERS, REPLY_TEXTS, htmls, REPLIES_PER_CASE],
    );
    await pool.query(`insert into case_events (case_id, seq, type, reply_id) select case_id, seq, 'reply.created', id from replies`);
    await pool.query('vacuum analyze');
    const cookies: string[] = [];
    for (const userId of userIds) {
      // Sessions for bench users; the token is signed with the secret the server process gets.
      const session = await startSession(handle.db, secret, userId, new Date(), { ip: '127.0.0.1', userAgent: 'bench' });
      cookies.push(`${SESSION_COOKIE}=${session.token}`);
    }
    return { caseIds, cookies };
  } finally {
    await handle.close();
  }
}

async function startProcess(args: string[], env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // A busy machine can take a minute to start a server under tsx.
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 200));
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.status < 500) return child;
    } catch {
      // not listening yet
    }
  }
  child.kill('SIGTERM');
  throw new Error(`${args.join(' ')} did not start on port ${port}`);
}

interface Result {
  requests: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function measure(options: autocannon.Options): Promise<Result> {
  // A short warm-up so JIT and pool start-up are not measured.
  await autocannon({ ...options, duration: 2 });
  const result = await autocannon({ ...options, duration: DURATION });
  return {
    requests: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/** Rounds averaged: req/s and latencies are means over the rounds, errors are summed. */
function combine(results: Result[]): Result {
  const mean = (pick: (r: Result) => number) => results.reduce((sum, r) => sum + pick(r), 0) / results.length;
  return {
    requests: mean((r) => r.requests),
    p50: mean((r) => r.p50),
    p99: mean((r) => r.p99),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
  };
}

const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

function readRequest(base: string, pathOf: () => string, cookies: string[] | null): autocannon.Options {
  return {
    url: base,
    connections: CONNECTIONS,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          path: pathOf(),
          headers: cookies ? { ...request.headers, cookie: pick(cookies) } : request.headers,
        }),
      },
    ],
  };
}

function postRequest(base: string, threads: string[], cookies: string[]): autocannon.Options {
  return {
    url: base,
    connections: CONNECTIONS,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => ({
          ...request,
          method: 'POST',
          path: `/api/cases/${pick(threads)}/replies`,
          headers: { ...request.headers, cookie: pick(cookies), 'content-type': 'application/json' },
          body: JSON.stringify({ body: pick(REPLY_TEXTS) }),
        }),
      },
    ],
  };
}

interface ProbeRow {
  sql: string;
  count: number;
  totalMs: number;
}

/** Sends `n` requests one at a time with the server's query probe on; returns its tally. */
async function probe(server: ChildProcess, file: string, n: number, send: () => Promise<Response>): Promise<ProbeRow[]> {
  rmSync(file, { force: true });
  // Let requests still in flight from the load run finish first.
  await new Promise((r) => setTimeout(r, 2000));
  server.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 100));
  for (let i = 0; i < n; i++) {
    const res = await send();
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`probe request answered ${res.status}`);
  }
  server.kill('SIGUSR2');
  for (let i = 0; i < 50 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
  return (JSON.parse(readFileSync(file, 'utf8')) as ProbeRow[]).sort((a, b) => b.totalMs - a.totalMs);
}

async function main(): Promise<void> {
  const name = `curbside_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const databaseUrl = withDatabase(SERVER_URL, name);
  const secret = randomBytes(32).toString('hex');
  const children: ChildProcess[] = [];
  const probeFile = path.join(tmpdir(), `${name}-probe.json`);
  try {
    const started = Date.now();
    const { caseIds, cookies } = await seed(databaseUrl, secret);
    console.log(`seeded ${caseIds.length} cases × ${REPLIES_PER_CASE} replies in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const appPort = await freePort();
    const appArgs = ['--import', 'tsx', '--import', './bench/query-probe.ts'];
    if (PROFILE_DIR) appArgs.push('--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`);
    const app = await startProcess(
      [...appArgs, 'src/server.ts'],
      {
        DATABASE_URL: databaseUrl,
        SESSION_SECRET: secret,
        NODE_ENV: 'production',
        // No mail leaves during a benchmark: nothing listens there, the outbox just retries.
        SMTP_URL: 'smtp://127.0.0.1:9',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PUBLIC_ORIGIN: `http://127.0.0.1:${appPort}`,
        RATE_LIMIT_POSTS_PER_MINUTE: '1000000',
        BENCH_PROBE_FILE: probeFile,
      },
      appPort,
    );
    children.push(app);
    const basePort = await freePort();
    children.push(await startProcess(['--import', 'tsx', 'bench/baseline-server.ts'], { DATABASE_URL: databaseUrl }, basePort));
    const appBase = `http://127.0.0.1:${appPort}`;
    const bareBase = `http://127.0.0.1:${basePort}`;

    const sizes = async (url: string, cookie?: string) => (await (await fetch(url, { headers: cookie ? { cookie } : {} })).arrayBuffer()).byteLength;
    const sample = caseIds[0]!;
    console.log(
      `response sizes for one thread: real JSON ${await sizes(`${appBase}/api/cases/${sample}`, cookies[0])} B, bare JSON ${await sizes(`${bareBase}/api/cases/${sample}`)} B, ` +
        `real page ${await sizes(`${appBase}/cases/${sample}`, cookies[0])} B, bare page ${await sizes(`${bareBase}/cases/${sample}`)} B`,
    );

    const loadBefore = load();
    const apiPath = () => `/api/cases/${pick(caseIds)}`;
    const pagePath = () => `/cases/${pick(caseIds)}`;
    const runs: Record<string, Result[]> = { bareJson: [], json: [], bareHtml: [], html: [] };
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which server goes first, so neither always gets the quieter moment.
      const pairs: Array<[string, () => Promise<Result>]> = [
        ['bareJson', () => measure(readRequest(bareBase, apiPath, null))],
        ['json', () => measure(readRequest(appBase, apiPath, cookies))],
        ['bareHtml', () => measure(readRequest(bareBase, pagePath, null))],
        ['html', () => measure(readRequest(appBase, pagePath, cookies))],
      ];
      const order = round % 2 === 0 ? [0, 1, 2, 3] : [1, 0, 3, 2];
      for (const i of order) {
        const [key, run] = pairs[i]!;
        runs[key]!.push(await run());
      }
    }
    const writeThreads = caseIds.slice(0, WRITE_THREADS);
    const post = await measure(postRequest(appBase, writeThreads, cookies));
    const loadAfter = load();

    const bareJson = combine(runs.bareJson!);
    const json = combine(runs.json!);
    const bareHtml = combine(runs.bareHtml!);
    const html = combine(runs.html!);
    const row = (label: string, r: Result, ratio: string, target: string) =>
      `| ${label} | ${r.requests.toFixed(0)} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${ratio} | ${target} | ${r.errors} / ${r.non2xx} |`;
    const pct = (a: Result, b: Result) => `${((a.requests / b.requests) * 100).toFixed(0)} %`;
    console.log(`\n${CONNECTIONS} connections, ${ROUNDS} × ${DURATION} s per read scenario (alternating), load average ${loadBefore} before, ${loadAfter} after\n`);
    console.log('| scenario | req/s | p50 ms | p99 ms | ratio | target | errors / non-2xx |');
    console.log('|---|---:|---:|---:|---:|---|---:|');
    console.log(row('bare JSON: Fastify + one pg query', bareJson, '100 %', ''));
    console.log(row('thread JSON `GET /api/cases/:id`', json, pct(json, bareJson), '≥ 80 %'));
    console.log(row('bare HTML: one query + template literal', bareHtml, '100 %', ''));
    console.log(row('thread page `GET /cases/:id`', html, pct(html, bareHtml), '≥ 70 %'));
    console.log(row(`reply \`POST /api/cases/:id/replies\` (${WRITE_THREADS} threads)`, post, '—', '≥ 1,000/s, p99 < 100 ms'));

    console.log('\nSQL statements per request (100 requests one at a time, real server):');
    const kinds: Array<[string, () => Promise<Response>]> = [
      ['GET /api/cases/:id', () => fetch(`${appBase}${apiPath()}`, { headers: { cookie: pick(cookies) } })],
      ['GET /cases/:id', () => fetch(`${appBase}${pagePath()}`, { headers: { cookie: pick(cookies) } })],
      [
        'POST /api/cases/:id/replies',
        () =>
          fetch(`${appBase}/api/cases/${pick(writeThreads)}/replies`, {
            method: 'POST',
            headers: { cookie: pick(cookies), 'content-type': 'application/json' },
            body: JSON.stringify({ body: pick(REPLY_TEXTS) }),
          }),
      ],
    ];
    const N = 100;
    for (const [label, send] of kinds) {
      const tally = await probe(app, probeFile, N, send);
      const total = tally.reduce((sum, t) => sum + t.count, 0);
      const ms = tally.reduce((sum, t) => sum + t.totalMs, 0);
      console.log(`\n${label}: ${(total / N).toFixed(1)} statements, ${(ms / N).toFixed(2)} ms waiting on PostgreSQL per request`);
      console.log('| per request | mean ms | statement |\n|---:|---:|---|');
      for (const t of tally) console.log(`| ${(t.count / N).toFixed(2)} | ${(t.totalMs / t.count).toFixed(2)} | \`${t.sql.replaceAll('|', '\\|')}\` |`);
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    rmSync(probeFile, { force: true });
    if (process.env.BENCH_KEEP_DATABASE) console.log(`kept database ${name}`);
    else await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

await main();
