/**
 * Thread benchmark, run on purpose (not in the test suite):
 *
 *   npx tsx bench/threads.ts            # BENCH_SERVER_URL=postgres://postgres@127.0.0.1:5432/postgres by default
 *
 * Creates a scratch database on that server, migrates it, seeds 1,000 cases × 50 replies of
 * ~600 characters, starts the real server (src/server.ts) and a bare-Fastify baseline
 * (bench/baseline-server.ts) as separate processes on free ports, measures them with
 * autocannon, prints a table, then stops both and drops the database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { SESSION_COOKIE } from '../src/modules/auth/session-types.js';
import { startSession } from '../src/modules/auth/sessions.js';
import { renderMarkdown } from '../src/modules/cases/markdown.js';
import { evaluateGate } from '../src/modules/phi/gate.js';
import { freePort } from '../src/db/free-port.js';

const SERVER_URL = process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CASES = Number(process.env.BENCH_CASES ?? 1000);
const REPLIES_PER_CASE = Number(process.env.BENCH_REPLIES ?? 50);
const USERS = 200;
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
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
].map((sentence) => (sentence.repeat(6)).slice(0, 600));

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
    await pool.query('analyze');
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

async function startProcess(script: string, env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 200));
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.status < 500) return child;
    } catch {
      // not listening yet
    }
  }
  child.kill('SIGTERM');
  throw new Error(`${script} did not start on port ${port}`);
}

interface Result {
  name: string;
  requests: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function measure(name: string, options: autocannon.Options): Promise<Result> {
  // A short warm-up so JIT and pool start-up are not measured.
  await autocannon({ ...options, duration: 2 });
  const result = await autocannon({ ...options, duration: DURATION });
  return {
    name,
    requests: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;

async function main(): Promise<void> {
  const name = `curbside_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const databaseUrl = withDatabase(SERVER_URL, name);
  const secret = randomBytes(32).toString('hex');
  const children: ChildProcess[] = [];
  try {
    const started = Date.now();
    const { caseIds, cookies } = await seed(databaseUrl, secret);
    console.log(`seeded ${caseIds.length} cases × ${REPLIES_PER_CASE} replies in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const appPort = await freePort();
    children.push(
      await startProcess(
        'src/server.ts',
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
        },
        appPort,
      ),
    );
    const basePort = await freePort();
    children.push(await startProcess('bench/baseline-server.ts', { DATABASE_URL: databaseUrl }, basePort));

    const results: Result[] = [];
    const threadRequest = (url: string, withCookie: boolean): autocannon.Options => ({
      url,
      connections: CONNECTIONS,
      requests: [
        {
          setupRequest: (request) => ({
            ...request,
            path: `/api/cases/${pick(caseIds)}`,
            headers: withCookie ? { ...request.headers, cookie: pick(cookies) } : request.headers,
          }),
        },
      ],
    });
    results.push(await measure('baseline: bare Fastify + one pg query', threadRequest(`http://127.0.0.1:${basePort}`, false)));
    results.push(await measure('GET /api/cases/:id (50 replies)', threadRequest(`http://127.0.0.1:${appPort}`, true)));

    // Hook for the server-rendered thread page: measured once GET /cases/:id exists.
    const page = await fetch(`http://127.0.0.1:${appPort}/cases/${caseIds[0]}`, { headers: { cookie: cookies[0]! } });
    if (page.status === 200) {
      const options = threadRequest(`http://127.0.0.1:${appPort}`, true);
      options.requests = [{ setupRequest: (request) => ({ ...request, path: `/cases/${pick(caseIds)}`, headers: { ...request.headers, cookie: pick(cookies) } }) }];
      results.push(await measure('GET /cases/:id (HTML page)', options));
    } else {
      console.log(`GET /cases/:id answered ${page.status}: the HTML page is not built yet, skipped`);
    }

    results.push(
      await measure('POST /api/cases/:id/replies', {
        url: `http://127.0.0.1:${appPort}`,
        connections: CONNECTIONS,
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => ({
              ...request,
              method: 'POST',
              path: `/api/cases/${pick(caseIds)}/replies`,
              headers: { ...request.headers, cookie: pick(cookies), 'content-type': 'application/json' },
              body: JSON.stringify({ body: pick(REPLY_TEXTS) }),
            }),
          },
        ],
      }),
    );

    const baseline = results[0]!.requests;
    console.log(`\n${CONNECTIONS} connections, ${DURATION} s each\n`);
    console.log('| scenario | req/s | p50 ms | p99 ms | vs baseline | errors / non-2xx |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const r of results) {
      console.log(`| ${r.name} | ${r.requests.toFixed(0)} | ${r.p50} | ${r.p99} | ${((r.requests / baseline) * 100).toFixed(0)}% | ${r.errors} / ${r.non2xx} |`);
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (process.env.BENCH_KEEP_DATABASE) console.log(`kept database ${name}`);
    else await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

await main();
