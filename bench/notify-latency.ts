// Time to first notification, run on purpose (not part of the test suite):
//   npm run bench:notify [-- followers=200 cases=30]
// Needs a PostgreSQL at BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres)
// and a built dist/ (npm install builds it). Creates a scratch database, starts two server
// processes on it (production mode), seeds physicians who follow cardiology, each with one
// logged-in page open (the site-wide socket every page holds, spread over both processes), then
// posts urgent cardiology cases one after another through either process. For every (follower,
// case) pair it records how long the follower waited for the `urgent_case` notification on its
// socket: from the author's POST being sent, and from the case's createdAt (its transaction's
// timestamp on the same machine clock). Prints p50/p99/max and drops the database.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import WebSocket from 'ws';
import { connectDatabase } from '../src/db/client.js';
import { freePort } from '../src/db/free-port.js';
import { runMigrations } from '../src/db/migrate.js';
import { startSession } from '../src/modules/auth/sessions.js';
import { SESSION_COOKIE } from '../src/modules/auth/session-types.js';
import { createUser } from '../src/modules/users/service.js';

const [followerCount = 200, caseCount = 30] = process.argv.slice(2).map(Number);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const origin = 'http://127.0.0.1:3000';
const secret = randomBytes(32).toString('hex');

async function startServer(databaseUrl: string): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, 'dist/server.js')], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      SESSION_SECRET: secret,
      PUBLIC_ORIGIN: origin,
      // Mail that cannot leave (nothing listens on port 9) is retried with a warning each time.
      LOG_LEVEL: 'error',
      NODE_ENV: 'production',
      // Half the followers also want urgent cases by mail: it is queued in the case's transaction.
      SMTP_URL: 'smtp://127.0.0.1:9',
      RATE_LIMIT_POSTS_PER_MINUTE: '100000',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { child, base };
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const summary = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
};

async function main() {
  const name = `curbside_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = connectDatabase(url.toString());
  const servers: ChildProcess[] = [];
  const sockets: WebSocket[] = [];
  try {
    await runMigrations(database.db);
    const physician = async (specialty: string) => {
      const user = await createUser(database.db, {
        email: `${randomBytes(5).toString('hex')}@bench.example`,
        passwordHash: 'bench',
        role: 'physician',
        verification: 'verified',
        specialty,
      });
      const session = await startSession(database.db, secret, user.id, new Date(), { ip: null, userAgent: 'bench' });
      return `${SESSION_COOKIE}=${session.token}`;
    };
    const a = await startServer(url.toString());
    const b = await startServer(url.toString());
    servers.push(a.child, b.child);
    const send = (base: string, cookie: string, method: string, route: string, body: unknown) =>
      fetch(`${base}${route}`, { method, headers: { cookie, origin, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const author = await physician('emergency-medicine');
    // Arrivals are kept by case id: a notification can arrive before the author's POST answers.
    const arrivals = new Map<string, Array<{ at: number; createdAt: string }>>();
    const fromPost: number[] = [];
    const fromCommit: number[] = [];
    for (let i = 0; i < followerCount; i++) {
      const cookie = await physician(i % 3 ? 'cardiology' : 'internal-medicine');
      const base = i % 2 ? b.base : a.base;
      const follows = await send(base, cookie, 'PUT', '/api/me/follows', { specialties: ['cardiology'], handles: [] });
      if (follows.status !== 200) throw new Error(`follow failed: ${follows.status} ${await follows.text()}`);
      const settings = await send(base, cookie, 'PUT', '/api/me/notification-settings', { email: 'off', urgent: i % 2 === 0 });
      if (settings.status !== 200) throw new Error(`settings failed: ${settings.status} ${await settings.text()}`);
      await new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`, { headers: { cookie, origin } });
        sockets.push(ws);
        ws.on('error', reject);
        ws.on('open', () => resolve());
        ws.on('message', (data) => {
          const message = JSON.parse(data.toString());
          if (message.type !== 'notification' || message.notification.type !== 'urgent_case') return;
          const caseId = message.notification.caseId as string;
          const list = arrivals.get(caseId) ?? [];
          list.push({ at: performance.now(), createdAt: message.notification.createdAt });
          arrivals.set(caseId, list);
          fromCommit.push(Date.now() - Date.parse(message.notification.createdAt));
        });
      });
    }
    console.log(`${followerCount} followers of cardiology online, their pages' sockets spread over 2 processes`);

    for (let i = 0; i < caseCount; i++) {
      const base = i % 2 ? a.base : b.base;
      const started = performance.now();
      const res = await send(base, author, 'POST', '/api/cases', {
        title: `Broad complex tachycardia, unstable? (${i})`,
        age: 67,
        sex: 'male',
        specialty: 'cardiology',
        urgency: 'urgent',
        body: 'Broad complex tachycardia at 180, BP 85/50, alert. Amiodarone running.',
        question: 'Cardiovert now or wait for the cardiology registrar?',
      });
      if (res.status !== 201) throw new Error(`case failed: ${res.status} ${await res.text()}`);
      const caseId = ((await res.json()) as { case: { id: string } }).case.id;
      const deadline = Date.now() + 10_000;
      while ((arrivals.get(caseId)?.length ?? 0) < followerCount && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      const got = arrivals.get(caseId) ?? [];
      if (got.length < followerCount) throw new Error(`case ${i}: ${followerCount - got.length} followers never heard of it`);
      for (const { at } of got) fromPost.push(at - started);
    }
    console.log(`${caseCount} urgent cases × ${followerCount} followers = ${fromPost.length} notifications, every one delivered`);
    console.log(`  from the author's POST being sent: ${summary(fromPost)}`);
    console.log(`  from the case's transaction timestamp: ${summary(fromCommit)}`);
    console.log(`load average: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    for (const ws of sockets) ws.terminate();
    // The servers stop before their database is dropped, or they log its disappearance.
    await Promise.all(
      servers.map((child) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM'))))),
    );
    await database.close();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
