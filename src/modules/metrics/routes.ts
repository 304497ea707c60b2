import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Gauge, Histogram, Registry } from 'prom-client';
import { sendError } from '../../plugins/errors.js';
import { processRegistry } from './instruments.js';

/** What the live module reports; read at scrape time so nothing has to push. */
export interface LiveCounts {
  sockets: number;
  subscriptions: number;
}

/** Lets modules registered later feed the app's gauges with getters read at scrape time. */
export interface AppMetrics {
  /** The live module reports its open sockets and subscriptions; until then both read 0. */
  reportLive(read: () => LiveCounts): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: AppMetrics;
  }
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function appRegistry(app: FastifyInstance) {
  let live: () => LiveCounts = () => ({ sockets: 0, subscriptions: 0 });
  const registry = new Registry();
  const requestSeconds = new Histogram({
    name: 'curbside_http_request_duration_seconds',
    help: 'HTTP request durations by route pattern',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const pool = app.deps.database.pool;
  const poolGauge = (name: string, help: string, read: () => number) =>
    new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
  poolGauge('curbside_db_pool_total', 'Connections open in the pool', () => pool.totalCount);
  poolGauge('curbside_db_pool_idle', 'Open connections not in use', () => pool.idleCount);
  poolGauge('curbside_db_pool_waiting', 'Queries waiting for a connection', () => pool.waitingCount);
  poolGauge('curbside_db_pool_max', 'Pool size (DATABASE_POOL_SIZE)', () => pool.options.max ?? 0);
  poolGauge('curbside_live_sockets', 'Open live websockets', () => live().sockets);
  poolGauge('curbside_live_subscriptions', 'Live case subscriptions', () => live().subscriptions);
  const metrics: AppMetrics = { reportLive: (read) => void (live = read) };
  return { registry, requestSeconds, metrics };
}

/**
 * GET /metrics in Prometheus text format, only with `Authorization: Bearer METRICS_TOKEN`
 * (401 otherwise); with no METRICS_TOKEN the route does not exist (404).
 */
export const metricsPlugin = fp(async (app: FastifyInstance) => {
  const { registry, requestSeconds, metrics } = appRegistry(app);
  app.decorate('metrics', metrics);

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    requestSeconds.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  const token = app.deps.config.METRICS_TOKEN;
  if (!token) return;
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!tokenMatches(request.headers.authorization, token)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      return sendError(request, reply, 401, 'unauthenticated', 'metrics need the bearer token');
    }
    const merged = Registry.merge([processRegistry, registry]);
    return reply.type(merged.contentType).send(await merged.metrics());
  });
}, { name: 'metrics' });
