// Live fan-out benchmark. Run on purpose (not part of the test suite):
//   npx tsx bench/live-fanout.ts [subscribers=1000] [replies=50] [idle=10000]
// Needs a PostgreSQL at BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres);
// it creates a scratch database, starts two server processes on it, and drops it after.
// Reports delivery latency p50/p99 two ways: from the moment the writer's POST is sent (so it
// includes the write and the PHI scan), and from the reply's createdAt (its transaction's
// timestamp, same machine clock) — the "from commit" figure; and the RSS of one process holding
// N idle sockets.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import WebSocket from 'ws';
import { connectDatabase } from '../src/db/client.js';
import { runMigrations } from '../src/db/migrate.js';
import { startSession } from '../src/modules/auth/sessions.js';
import { SESSION_COOKIE } from '../src/modules/auth/session-types.js';
import { createUser } from '../src/modules/users/service.js';
import { freePort } from '../src/db/free-port.js';

const [subscriberCount = 1000, replyCount = 50, idleCount = 10000] = process.argv.slice(2).map(Number);
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
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      // No mail leaves during a benchmark: nothing listens there, the outbox just retries.
      SMTP_URL: 'smtp://127.0.0.1:9',
      RATE_LIMIT_POSTS_PER_MINUTE: '100000',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { child, base };
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
  const name = `curbside_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = connectDatabase(url.toString());
  const servers: ChildProcess[] = [];
  try {
    await runMigrations(database.db);
    const cookieFor = async (role: 'physician') => {
      const user = await createUser(database.db, {
        email: `${randomBytes(4).toString('hex')}@bench.example`,
        passwordHash: 'bench',
        role,
        verification: 'verified',
        specialty: 'cardiology',
      });
      const session = await startSession(database.db, secret, user.id, new Date(), { ip: null, userAgent: 'bench' });
      return `${SESSION_COOKIE}=${session.token}`;
    };
    const reader = await cookieFor('physician');
    const writer = await cookieFor('physician');
    const a = await startServer(url.toString());
    const b = await startServer(url.toString());
    servers.push(a.child, b.child);

    const created = await fetch(`${a.base}/api/cases`, {
      method: 'POST',
      headers: { cookie: writer, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Bench case',
        age: 60,
        sex: 'female',
        specialty: 'cardiology',
        urgency: 'routine',
        body: 'A case for measuring live delivery.',
        question: 'How fast does a reply arrive?',
      }),
    });
    const caseId = ((await created.json()) as { case: { id: string } }).case.id;

    // Subscribers, spread over both processes.
    const pending = new Map<number, { sentAt: number; remaining: number; latencies: number[]; sinceCommit: number[] }>();
    const sockets: WebSocket[] = [];
    await Promise.all(
      Array.from({ length: subscriberCount }, (_, i) =>
        new Promise<void>((resolve, reject) => {
          const base = i % 2 ? b.base : a.base;
          const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`, { headers: { cookie: reader, origin } });
          sockets.push(ws);
          ws.on('error', reject);
          ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', caseId })));
          ws.on('message', (data) => {
            const message = JSON.parse(data.toString());
            if (message.type === 'subscribed') resolve();
            if (message.type === 'reply.created') {
              const entry = pending.get(message.seq);
              if (entry) {
                entry.latencies.push(performance.now() - entry.sentAt);
                entry.sinceCommit.push(Date.now() - Date.parse(message.reply.createdAt));
                entry.remaining--;
              }
            }
          });
        }),
      ),
    );
    console.log(`${subscriberCount} subscribers connected over 2 processes`);

    const latencies: number[] = [];
    const sinceCommit: number[] = [];
    for (let seq = 1; seq <= replyCount; seq++) {
      const entry = { sentAt: performance.now(), remaining: subscriberCount, latencies: [] as number[], sinceCommit: [] as number[] };
      pending.set(seq, entry);
      const res = await fetch(`${(seq % 2 ? a : b).base}/api/cases/${caseId}/replies`, {
        method: 'POST',
        headers: { cookie: writer, 'content-type': 'application/json' },
        body: JSON.stringify({ body: `Reply number ${seq}: consider the renal dose.` }),
      });
      if (res.status !== 201) throw new Error(`reply failed: ${res.status} ${await res.text()}`);
      const deadline = Date.now() + 10_000;
      while (entry.remaining > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      if (entry.remaining > 0) throw new Error(`seq ${seq}: ${entry.remaining} subscribers never got it`);
      latencies.push(...entry.latencies);
      sinceCommit.push(...entry.sinceCommit);
    }
    latencies.sort((x, y) => x - y);
    sinceCommit.sort((x, y) => x - y);
    console.log(
      `delivery of ${replyCount} replies to ${subscriberCount} subscribers (${latencies.length} deliveries): ` +
        `from the POST being sent p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms; ` +
        `from the reply's transaction timestamp p50 ${percentile(sinceCommit, 50)} ms, p99 ${percentile(sinceCommit, 99)} ms`,
    );
    console.log(`load average during the run: ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    for (const ws of sockets) ws.terminate();

    // Idle sockets held by one process.
    const before = rssMb(a.child.pid!);
    const idle: WebSocket[] = [];
    const batch = 500;
    for (let i = 0; i < idleCount; i += batch) {
      await Promise.all(
        Array.from({ length: Math.min(batch, idleCount - i) }, () =>
          new Promise<void>((resolve, reject) => {
            const ws = new WebSocket(`${a.base.replace('http', 'ws')}/ws`, { headers: { cookie: reader, origin } });
            idle.push(ws);
            ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', caseId })));
            ws.on('message', (data) => {
              if (JSON.parse(data.toString()).type === 'subscribed') resolve();
            });
            ws.on('error', reject);
          }),
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 1000));
    const after = rssMb(a.child.pid!);
    console.log(`${idleCount} idle subscribed sockets on one process: RSS ${before.toFixed(0)} MB before, ${after.toFixed(0)} MB after`);
    for (const ws of idle) ws.terminate();
  } finally {
    for (const child of servers) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await database.close();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
