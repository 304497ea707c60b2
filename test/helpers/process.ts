import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './test-server.js';

/** A real `curbside` server or CLI process started from the sources through tsx. */
export interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts `entry` (relative to the repo, e.g. src/server.ts) as its own node process. The test's
 * DATABASE_URL is not inherited: each test says which database the process should use.
 */
export function startProcess(entry: string, args: string[], env: Record<string, string>, stdin?: string): Running {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, entry), ...args], {
    cwd: repoRoot,
    env: { ...inherited, NODE_ENV: 'development', LOG_LEVEL: 'info', ...env },
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (stdin !== undefined) child.stdin!.end(stdin);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

export function startServer(env: Record<string, string>): Running {
  return startProcess('src/server.ts', [], env);
}

/** The CLI as `npx curbside …` runs it, from the sources. */
export function runCliProcess(args: string[], env: Record<string, string>, stdin?: string): Running {
  return startProcess('test/helpers/cli-main.ts', args, env, stdin);
}

export async function waitForHealth(port: number, running: Running, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null) throw new Error(`server exited: ${running.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.status === 200) return res;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no healthy server within ${timeoutMs} ms: ${running.output()}`);
}

export async function stopProcess(running: Running): Promise<number | null> {
  if (running.child.exitCode === null) running.child.kill('SIGTERM');
  return running.exited;
}
