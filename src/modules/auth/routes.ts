import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { auditContextOf } from '../audit/service.js';
import { clearSessionCookie, requireViewer, setSessionCookie, viewerOf } from '../../plugins/session.js';
import { changePasswordBody, loginBody, presentSelf, registerBody, userResponse } from './schemas.js';
import type { ClientMeta } from './service.js';

export function clientMeta(request: FastifyRequest): ClientMeta {
  const agent = request.headers['user-agent'];
  return { ip: request.clientIp, userAgent: typeof agent === 'string' ? agent.slice(0, 512) : null };
}

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const { auth } = app.services;
  // A coarse per-IP flood guard for the unauthenticated routes only (in memory, per process).
  // The rule that matters, failed logins per account and IP, is counted in the database.
  await app.register(rateLimit, { global: false });
  const coarseLimit = { rateLimit: { max: app.deps.config.RATE_LIMIT_AUTH_PER_MINUTE, timeWindow: 60_000 } };

  app.post(
    '/api/auth/register',
    { config: coarseLimit, schema: { body: registerBody, response: { 201: userResponse } } },
    async (request, reply) => {
      const { user, session } = await auth.register({ input: request.body, meta: clientMeta(request), audit: auditContextOf(request) });
      setSessionCookie(app, reply, session);
      return reply.code(201).send({ user: presentSelf(user) });
    },
  );

  app.post(
    '/api/auth/login',
    { config: coarseLimit, schema: { body: loginBody, response: { 200: userResponse } } },
    async (request, reply) => {
      const { user, session } = await auth.login({ input: request.body, meta: clientMeta(request), audit: auditContextOf(request) });
      setSessionCookie(app, reply, session);
      return { user: presentSelf(user) };
    },
  );

  await app.register(async (bodyless) => {
    // Logout takes no body, but clients often send `content-type: application/json` with an
    // empty one; that must not turn a logout into a 400.
    bodyless.removeContentTypeParser('application/json');
    bodyless.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, _body, done) => done(null, undefined));
    bodyless.post('/api/auth/logout', { preHandler: requireViewer }, async (request, reply) => {
      await auth.logout({ ...viewerOf(request), audit: auditContextOf(request) });
      clearSessionCookie(app, reply);
      return reply.code(204).send();
    });
  });

  app.post(
    '/api/auth/password',
    { preHandler: requireViewer, config: coarseLimit, schema: { body: changePasswordBody, response: { 200: userResponse } } },
    async (request, reply) => {
      const { user, session } = await auth.changePassword({
        userId: viewerOf(request).userId,
        input: request.body,
        meta: clientMeta(request),
        audit: auditContextOf(request),
      });
      setSessionCookie(app, reply, session);
      return { user: presentSelf(user) };
    },
  );

  app.get('/api/me', { preHandler: requireViewer, schema: { response: { 200: userResponse } } }, async (request) => {
    const user = await auth.currentUser({ userId: viewerOf(request).userId });
    return { user: presentSelf(user) };
  });
};
