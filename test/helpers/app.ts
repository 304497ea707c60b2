import { mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../src/app.js';
import type { Clock } from '../../src/clock.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { createTestDatabase } from './database.js';

/** A clock tests can move forward to reach idle and absolute expiry. */
export class TestClock implements Clock {
  constructor(private current = new Date()) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'curbside-test-')),
    PUBLIC_ORIGIN: 'http://localhost:3000',
    ...overrides,
  });
}

export interface TestApp {
  app: FastifyInstance;
  database: DatabaseHandle;
  clock: TestClock;
  config: Config;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** buildApp against this test file's own database; call app.inject() on it. */
export async function createTestApp(
  t: Teardown,
  options: {
    database?: DatabaseHandle;
    env?: Record<string, string>;
    clock?: TestClock;
    live?: AppDeps['live'];
    notifications?: AppDeps['notifications'];
    logger?: AppDeps['logger'];
  } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase(t));
  const clock = options.clock ?? new TestClock();
  const config = testConfig(options.env);
  const app = await buildApp({ config, database, clock, live: options.live, notifications: options.notifications, ...(options.logger ? { logger: options.logger } : {}) });
  t.teardown(() => app.close());
  return { app, database, clock, config };
}
