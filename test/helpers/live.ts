import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';

export const TEST_ORIGIN = 'http://localhost:3000';

export type BusKind = 'pg' | 'nats';

/** The buses the live delivery tests run against (NATS at NATS_URL, 127.0.0.1:4222 by default). */
export const BUSES: BusKind[] = ['pg', 'nats'];

/**
 * Env shared by several app instances standing for several server processes. On NATS each
 * call gets its own subject and stream prefix, so test files running at once never cross.
 */
export function sharedEnv(bus: BusKind = 'pg'): Record<string, string> {
  const env: Record<string, string> = { SESSION_SECRET: randomBytes(32).toString('hex'), PUBLIC_ORIGIN: TEST_ORIGIN };
  if (bus === 'nats') {
    env.LIVE_BUS = 'nats';
    env.NATS_PREFIX = `test_${randomBytes(6).toString('hex')}`;
    if (process.env.NATS_URL) env.NATS_URL = process.env.NATS_URL;
  }
  return env;
}

export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return `ws://127.0.0.1:${port}/ws`;
}

/** A real websocket client that records every message it receives. */
export class LiveClient {
  readonly messages: Array<Record<string, any>> = [];
  private waiters: Array<() => void> = [];
  closeCode: number | null = null;
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;

  constructor(
    readonly url: string,
    options: { cookie?: string; origin?: string } = {},
  ) {
    const headers: Record<string, string> = { origin: options.origin ?? TEST_ORIGIN };
    if (options.cookie) headers.cookie = options.cookie;
    this.socket = new WebSocket(url, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { statusCode: res.statusCode })));
      this.socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      this.socket.once('close', (code) => {
        this.closeCode = code;
        this.wake();
        resolve(code);
      });
    });
    this.socket.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()));
      this.wake();
    });
  }

  readonly socket: WebSocket;

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Resolves with the first message (from `from` on) that matches, or rejects after a timeout. */
  async waitFor(match: (m: Record<string, any>) => boolean, timeoutMs = 5000, from = 0): Promise<Record<string, any>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (this.closeCode !== null) throw new Error(`socket closed (${this.closeCode}) before the message came`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; got ${JSON.stringify(this.messages.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}
