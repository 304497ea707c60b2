import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseTrustProxy } from './plugins/trust-proxy.js';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const nonNegativeInt = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/** The whole environment the process reads, validated once at start-up. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_ORIGIN: z.url().optional(),
  RATE_LIMIT_LOGIN_FAILURES: positiveInt(10),
  RATE_LIMIT_POSTS_PER_MINUTE: positiveInt(30),
  /** Coarse per-IP flood guard on the auth routes; the login-failure counter is the real rule. */
  RATE_LIMIT_AUTH_PER_MINUTE: positiveInt(300),
  /** Extra wait per failed login beyond the third in the window (capped at 2 s); 0 disables it. */
  LOGIN_SLOWDOWN_MS: nonNegativeInt(250),
  /** Where mail leaves (smtp:// or smtps://, credentials in the URL). Required in production. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Curbside <no-reply@curbside.invalid>'),
  /** How often each process looks for due mail and background jobs. */
  WORKER_POLL_MS: positiveInt(1000),
  /**
   * Which peers may name the client in X-Forwarded-For: a hop count, or a comma-separated list
   * of proxy addresses and CIDRs. Unset: the socket's address is the client.
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return false as const;
      try {
        return parseTrustProxy(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** Connections each process keeps in its pool (PgBouncer or max_connections bound the sum). */
  DATABASE_POOL_SIZE: positiveInt(10),
  /** Server-side limit on any one statement; 0 means no limit. */
  DATABASE_STATEMENT_TIMEOUT_MS: nonNegativeInt(30_000),
  /** A direct (not pooled) connection for LISTEN: PgBouncer in transaction mode drops LISTEN. */
  LISTEN_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** How long a graceful shutdown may take before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  /** Bearer token for GET /metrics; unset turns /metrics off (404). */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** How live events cross processes: PostgreSQL LISTEN/NOTIFY, or NATS JetStream. */
  LIVE_BUS: z.enum(['pg', 'nats']).default('pg'),
  NATS_URL: z.string().regex(/^(nats|tls|wss?):\/\//, 'must be a nats:// (or tls://, ws://) URL').default('nats://127.0.0.1:4222'),
  /** Subject and stream prefix on NATS, so several deployments (or test files) share one server. */
  NATS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only').default('curbside'),
  /** How often each followed case's latest seq is checked, catching a lost live signal. */
  LIVE_SAFETY_CHECK_MS: positiveInt(5000),
  /** How often a process repeats its viewer counts; a count not repeated for 3 beats expires. */
  LIVE_PRESENCE_HEARTBEAT_MS: positiveInt(10_000),
  /** How often open sockets re-check their session (expiry; role changes also arrive at once). */
  LIVE_SESSION_RECHECK_MS: positiveInt(60_000),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Omit<Env, 'SESSION_SECRET' | 'PUBLIC_ORIGIN'> {
  SESSION_SECRET: string;
  PUBLIC_ORIGIN: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment. A bad value becomes one ConfigError naming the variable, so the
 * process can print a single clear line instead of a stack trace.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty value means unset: compose passes `${VAR:-}` through as "" for settings left out.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid environment variable ${issue.path.join('.')}: ${issue.message}`);
  }
  const values = parsed.data;
  const dataDir = path.resolve(values.DATA_DIR);
  const sessionSecret = values.SESSION_SECRET ?? developmentSecret(values.NODE_ENV, dataDir);
  if (values.NODE_ENV === 'production' && !values.SMTP_URL) {
    throw new ConfigError('SMTP_URL is required when NODE_ENV=production (e.g. smtp://user:pass@mail.example.org:587)');
  }
  return {
    ...values,
    DATA_DIR: dataDir,
    SESSION_SECRET: sessionSecret,
    PUBLIC_ORIGIN: values.PUBLIC_ORIGIN ?? `http://${hostForUrl(values.HOST)}:${values.PORT}`,
  };
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Production must be given a secret. Elsewhere one is generated on first start and kept in the
 * data dir, so sessions survive restarts without any secret ever having a default value.
 */
function developmentSecret(nodeEnv: Env['NODE_ENV'], dataDir: string): string {
  if (nodeEnv === 'production') {
    throw new ConfigError('SESSION_SECRET is required when NODE_ENV=production (at least 32 characters)');
  }
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}
