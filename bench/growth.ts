/**
 * Cost growth, run on purpose (not in the test suite):
 *
 *   npm run bench:growth                 # sizes 10000,100000,1000000; BENCH_GROWTH_SIZES to change
 *
 * In a scratch database on BENCH_SERVER_URL: threads of 10, 100 and 1,000 replies, read whole
 * and a page of 50 at a time; then cases COPYed in up to each size (bodies of ~40 words from a
 * skewed vocabulary: "anticoagulation" in ~20 % of cases, "sarcoidosis" in ~0.1 %), and the list
 * (newest, a filter, the next page) and the search (GIN index on the weighted tsvector) timed
 * through the real server, one request at a time (median and p95 of 40). Prints EXPLAIN
 * (ANALYZE, BUFFERS) of both searches at the largest size.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { connectDatabase } from '../src/db/client.js';
import { freePort } from '../src/db/free-port.js';
import { runMigrations } from '../src/db/migrate.js';
import { SESSION_COOKIE } from '../src/modules/auth/session-types.js';
import { startSession } from '../src/modules/auth/sessions.js';

const SERVER_URL = process.env.BENCH_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SIZES = (process.env.BENCH_GROWTH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const SAMPLES = 40;
const root = fileURLToPath(new URL('..', import.meta.url));

const SYLLABLES = ['ka', 'lo', 'mi', 'ter', 'van', 'su', 'pra', 'den', 'ol', 'rex', 'ti', 'mun', 'ga', 'bel', 'cor', 'fi'];
const VOCAB = Array.from({ length: 4000 }, (_, i) => SYLLABLES[i % 16]! + SYLLABLES[(i >> 4) % 16]! + SYLLABLES[(i >> 8) % 16]! + 'a');
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
/** Skewed: low indexes are much more frequent, as in real prose. */
const word = () => VOCAB[Math.floor(VOCAB.length * random() ** 3)]!;
const words = (n: number) => Array.from({ length: n }, word).join(' ');
const SPECIALTIES = ['cardiology', 'nephrology', 'neurology', 'pediatrics', 'psychiatry', 'radiology'];

function caseRows(count: number, userIds: string[], startMinute: number): Readable {
  let i = 0;
  return new Readable({
    read() {
      let chunk = '';
      for (let k = 0; k < 2000 && i < count; k++, i++) {
        const extra = (random() < 0.2 ? ' anticoagulation' : '') + (random() < 0.001 ? ' sarcoidosis' : '');
        const created = new Date(Date.UTC(2026, 0, 1) + (startMinute + i) * 60_000).toISOString();
        chunk += [
          userIds[i % userIds.length],
          `Case ${startMinute + i} ${words(5)}`,
          40 + (i % 40),
          'female',
          SPECIALTIES[i % SPECIALTIES.length],
          i % 10 === 0 ? 'urgent' : 'routine',
          words(40) + extra,
          `What next for ${words(6)}?`,
          i % 3,
          created,
          created,
        ].join('\t') + '\n';
      }
      this.push(chunk || null);
    },
  });
}

async function timeRequests(url: string, cookie: string): Promise<{ p50: number; p95: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < SAMPLES + 5; i++) {
    const started = performance.now();
    const res = await fetch(url, { headers: { cookie } });
    const body = await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    if (i >= 5) times.push(performance.now() - started);
    bytes = body.byteLength;
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(SAMPLES / 2)]!, p95: times[Math.floor(SAMPLES * 0.95)]!, bytes };
}

async function main(): Promise<void> {
  const name = `curbside_growth_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const handle = connectDatabase(databaseUrl, { max: 2 });
  const secret = randomBytes(32).toString('hex');
  let server: ChildProcess | undefined;
  try {
    await runMigrations(handle.db);
    const users = await handle.pool.query<{ id: string }>(
      `insert into users (email, password_hash, handle, role, verification, specialty)
       select 'growth' || i || '@example.org', 'x', 'Dr. Growth ' || i, 'physician', 'verified', 'cardiology'
       from generate_series(1, 100) i returning id`,
    );
    const userIds = users.rows.map((r) => r.id);
    const session = await startSession(handle.db, secret, userIds[0]!, new Date(), { ip: null, userAgent: 'growth' });
    const cookie = `${SESSION_COOKIE}=${session.token}`;

    const port = await freePort();
    server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, SESSION_SECRET: secret, NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 200));
      if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
    }
    console.log(`load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}\n`);

    // ---- thread length
    const body = 'With a creatinine clearance of 28 the label dose still applies unless two criteria are met. '.repeat(7).slice(0, 600);
    console.log('| replies in the thread | whole thread p50 / p95 ms | bytes | first page of 50 p50 / p95 ms | bytes |\n|---:|---:|---:|---:|---:|');
    for (const replies of [10, 100, 1000]) {
      const { rows } = await handle.pool.query<{ id: string }>(
        `insert into cases (author_id, title, age, sex, specialty, urgency, body, body_html, question, question_html, reply_count, last_seq)
         values ($1, 'Thread of ' || $2::int, 50, 'male', 'cardiology', 'routine', $3, $3, 'What next?', 'What next?', $2::int, $2::int) returning id`,
        [userIds[1], replies, body],
      );
      const caseId = rows[0]!.id;
      await handle.pool.query(
        `insert into replies (case_id, author_id, seq, body, body_html) select $1, ($2::uuid[])[1 + s % 100], s, $3, '<p>' || $3 || '</p>' from generate_series(1, $4) s`,
        [caseId, userIds, body, replies],
      );
      const whole = await timeRequests(`${base}/api/cases/${caseId}`, cookie);
      const paged = await timeRequests(`${base}/api/cases/${caseId}?limit=50`, cookie);
      console.log(`| ${replies} | ${whole.p50.toFixed(1)} / ${whole.p95.toFixed(1)} | ${whole.bytes} | ${paged.p50.toFixed(1)} / ${paged.p95.toFixed(1)} | ${paged.bytes} |`);
    }

    // ---- list and search
    console.log('\n| cases | COPY s | newest p50 / p95 ms | urgent filter | next page (cursor) | search, rare word (~0.1 %) | search, common word (~20 %) |\n|---:|---:|---:|---:|---:|---:|---:|');
    let have = 0;
    for (const size of SIZES) {
      const started = Date.now();
      const client = await handle.pool.connect();
      try {
        await pipeline(
          caseRows(size - have, userIds, have),
          client.query(copyFrom('copy cases (author_id, title, age, sex, specialty, urgency, body, question, reply_count, created_at, updated_at) from stdin')),
        );
        await client.query('vacuum analyze cases');
      } finally {
        client.release();
      }
      const copySeconds = (Date.now() - started) / 1000;
      have = size;
      const first = await fetch(`${base}/api/cases`, { headers: { cookie } }).then((r) => r.json() as Promise<{ nextCursor: string }>);
      const cell = (r: { p50: number; p95: number }) => `${r.p50.toFixed(1)} / ${r.p95.toFixed(1)}`;
      const newest = await timeRequests(`${base}/api/cases`, cookie);
      const urgent = await timeRequests(`${base}/api/cases?filter=urgent`, cookie);
      const next = await timeRequests(`${base}/api/cases?cursor=${encodeURIComponent(first.nextCursor)}`, cookie);
      const rare = await timeRequests(`${base}/api/cases?q=sarcoidosis`, cookie);
      const common = await timeRequests(`${base}/api/cases?q=anticoagulation`, cookie);
      console.log(`| ${size.toLocaleString('en-US')} | ${copySeconds.toFixed(1)} | ${cell(newest)} | ${cell(urgent)} | ${cell(next)} | ${cell(rare)} | ${cell(common)} |`);
    }

    for (const term of ['sarcoidosis', 'anticoagulation']) {
      const plan = await handle.pool.query(
        `explain (analyze, buffers, costs off)
         select c.id, c.title, ts_rank(c.search, q) as rank
         from cases c join users u on u.id = c.author_id, websearch_to_tsquery('english', $1) q
         where c.deleted_at is null and (c.hidden_at is null or c.author_id = $2) and c.search @@ q
         order by ts_rank(c.search, q) desc, c.created_at desc, c.id desc limit 21`,
        [term, userIds[0]],
      );
      console.log(`\nEXPLAIN ANALYZE, search for "${term}" at ${have.toLocaleString('en-US')} cases:\n`);
      console.log(plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'));
    }
  } finally {
    server?.kill('SIGTERM');
    await handle.close();
    await new Promise((r) => setTimeout(r, 1000));
    if (process.env.BENCH_KEEP_DATABASE) console.log(`kept database ${name}`);
    else await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

await main();
