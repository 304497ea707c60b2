import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import type { DatabaseHandle } from './db/client.js';
import { systemClock, type Clock } from './clock.js';
import { notificationBatchLoader } from './modules/notifications/live.js';
import { auditRoutes } from './modules/audit/routes.js';
import { caseRoutes } from './modules/cases/routes.js';
import { moderationRoutes } from './modules/moderation/routes.js';
import { replyRoutes } from './modules/replies/routes.js';
import { healthRoutes } from './modules/health/routes.js';
import { caseCreatedLoader, createLiveAdapters } from './modules/live/adapters.js';
import { liveRoutes, type LiveOptions } from './modules/live/routes.js';
import { createNotifications, notificationsPlugin, type NotificationOptions } from './modules/notifications/plugin.js';
import { metricsPlugin } from './modules/metrics/routes.js';
import { phiRoutes } from './modules/phi/routes.js';
import { authRoutes } from './modules/auth/routes.js';
import { passwordResetRoutes } from './modules/auth/password-reset-routes.js';
import { userRoutes } from './modules/users/routes.js';
import { verificationRoutes } from './modules/verification/routes.js';
import { pagesPlugin } from './pages/plugin.js';
import { apiGuardPlugin } from './plugins/api-guard.js';
import { errorsPlugin } from './plugins/errors.js';
import { safeErrorForLog } from './plugins/safe-error.js';
import { openapiPlugin } from './plugins/openapi.js';
import { securityPlugin } from './plugins/security.js';
import { compiledSerializerCompiler } from './plugins/serializer.js';
import { sessionPlugin } from './plugins/session.js';
import { textInputPlugin } from './plugins/text-input.js';
import { clientAddressPlugin, validAddress } from './plugins/trust-proxy.js';
import { createServices, type Services } from './services.js';

export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  /** Injected so tests can move time (session expiry, edit windows). */
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
  /** Timings and bounds of the live websocket (tests shorten them). */
  live?: Omit<LiveOptions, 'payloads' | 'source'>;
  /** Background worker and mail transport (tests may run jobs and drain mail themselves). */
  notifications?: NotificationOptions;
}

export interface ResolvedDeps extends AppDeps {
  clock: Clock;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: ResolvedDeps;
    /** Every service, built once (src/services.ts). */
    services: Services;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Log lines carry the path only: query strings can hold search text, bodies are never logged. */
const requestSerializer = (request: { method: string; url: string; id: string; ip?: string }) => ({
  method: request.method,
  path: request.url.split('?')[0],
  id: request.id,
  ip: validAddress(request.ip),
});

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const resolved: ResolvedDeps = { ...deps, clock: deps.clock ?? systemClock };
  const serializers = { req: requestSerializer, err: safeErrorForLog };
  const logger = deps.logger ?? { level: deps.config.LOG_LEVEL };
  const app = Fastify({
    // Given options (a test's stream) keep the serializers: no log line may carry SQL values.
    logger: typeof logger === 'object' ? { ...logger, serializers: { ...serializers, ...logger.serializers } } : logger,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    bodyLimit: 256 * 1024,
    // Only TRUST_PROXY decides whether X-Forwarded-For names the client (unset: the socket).
    trustProxy: deps.config.TRUST_PROXY,
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(compiledSerializerCompiler({ verify: deps.config.NODE_ENV === 'test' }));
  app.decorate('deps', resolved);
  const notifications = createNotifications({ db: deps.database.db, clock: resolved.clock, config: deps.config, log: app.log, transport: deps.notifications?.transport });
  const services = createServices({ db: deps.database.db, clock: resolved.clock, config: deps.config, notify: notifications.notifier });
  app.decorate('services', services);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(errorsPlugin);
  await app.register(clientAddressPlugin);
  await app.register(apiGuardPlugin);
  await app.register(textInputPlugin);
  await app.register(openapiPlugin);
  await app.register(metricsPlugin);
  await app.register(securityPlugin);
  await app.register(sessionPlugin);
  await app.register(healthRoutes);
  await app.register(phiRoutes);
  await app.register(liveRoutes, {
    ...deps.live,
    ...createLiveAdapters(services),
    userEvents: { notifications: notificationBatchLoader(deps.database.db), 'case.created': caseCreatedLoader(services) },
  });
  await app.register(notificationsPlugin, { parts: notifications, worker: deps.notifications?.worker });
  await app.register(caseRoutes);
  await app.register(replyRoutes);
  await app.register(moderationRoutes);
  await app.register(authRoutes);
  await app.register(passwordResetRoutes);
  await app.register(verificationRoutes);
  await app.register(userRoutes);
  await app.register(auditRoutes);
  // Pages call the services above; registered last so they can rely on every module.
  await app.register(pagesPlugin);
  return app;
}
