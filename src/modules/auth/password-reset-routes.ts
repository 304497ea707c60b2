import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditContextOf } from '../audit/service.js';
import { MAX_PASSWORD_LENGTH } from './passwords.js';
import { confirmPasswordReset, requestPasswordReset, type ResetDeps } from './password-reset.js';

export const resetRequestBody = z.strictObject({ email: z.string().max(254) });
export const resetConfirmBody = z.strictObject({
  token: z.string().min(1).max(200),
  newPassword: z.string().max(MAX_PASSWORD_LENGTH),
});

export function resetDepsOf(app: Parameters<FastifyPluginAsyncZod>[0]): ResetDeps {
  return { db: app.deps.database.db, clock: app.deps.clock, mailer: app.notifications.mailer, origin: app.deps.config.PUBLIC_ORIGIN };
}

/** Password reset by e-mail: POST /api/auth/password-reset and /confirm. */
export const passwordResetRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(rateLimit, { global: false });
  const coarseLimit = { rateLimit: { max: app.deps.config.RATE_LIMIT_AUTH_PER_MINUTE, timeWindow: 60_000 } };
  const deps = resetDepsOf(app);

  app.post('/api/auth/password-reset', { config: coarseLimit, schema: { body: resetRequestBody } }, async (request, reply) => {
    await requestPasswordReset(deps, request.body.email, auditContextOf(request));
    return reply.code(202).send({ status: 'accepted' });
  });

  app.post(
    '/api/auth/password-reset/confirm',
    { config: coarseLimit, schema: { body: resetConfirmBody, response: { 200: z.object({ status: z.literal('ok') }) } } },
    async (request) => {
      await confirmPasswordReset(deps, request.body, auditContextOf(request));
      return { status: 'ok' as const };
    },
  );
};
