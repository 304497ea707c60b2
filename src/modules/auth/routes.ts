import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { auditContextOf } from '../audit/service.js';
import { clearSessionCookie, requireViewer, setSessionCookie, viewerOf } from '../../plugins/session.js';
import { changePasswordBody, loginBody, presentSelf, registerBody, userResponse } from './schemas.js';
import { changePassword, currentUser, login, logout, register, type AuthDeps, type ClientMeta, type LoginLimits } from './service.js';

function authDeps(app: FastifyInstance): AuthDeps {
  const { database, config, clock } = app.deps;
  return { db: database.db, secret: config.SESSION_SECRET, now: () => clock.now() };
}

function clientMeta(request: FastifyRequest): ClientMeta {
  const agent = request.headers['user-agent'];
  return { ip: request.clientIp, userAgent: typeof agent === 'string' ? agent.slice(0, 512) : null };
}

function loginLimits(app: FastifyInstance): LoginLimits {
  return { maxFailures: app.deps.config.RATE_LIMIT_LOGIN_FAILURES, slowdownStepMs: app.deps.config.LOGIN_SLOWDOWN_MS };
}

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  // A coarse per-IP flood guard for the unauthenticated routes only (in memory, per process).
  // The rule that matters, failed logins per account and IP, is counted in the database.
  await app.register(rateLimit, { global: false });
  const coarseLimit = { rateLimit: { max: app.deps.config.RATE_LIMIT_AUTH_PER_MINUTE, timeWindow: 60_000 } };

  app.post(
    '/api/auth/register',
    { config: coarseLimit, schema: { body: registerBody, response: { 201: userResponse } } },
    async (request, reply) => {
      const { user, session } = await register(authDeps(app), request.body, clientMeta(request), auditContextOf(request));
      setSessionCookie(app, reply, session);
      return reply.code(201).send({ user: presentSelf(user) });
    },
  );

  app.post(
    '/api/auth/login',
    { config: coarseLimit, schema: { body: loginBody, response: { 200: userResponse } } },
    async (request, reply) => {
      const { user, session } = await login(authDeps(app), request.body, clientMeta(request), loginLimits(app), auditContextOf(request));
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
      await logout(authDeps(app), viewerOf(request), auditContextOf(request));
      clearSessionCookie(app, reply);
      return reply.code(204).send();
    });
  });

  app.post(
    '/api/auth/password',
    { preHandler: requireViewer, config: coarseLimit, schema: { body: changePasswordBody, response: { 200: userResponse } } },
    async (request, reply) => {
      const { user, session } = await changePassword(
        authDeps(app),
        viewerOf(request).userId,
        request.body,
        clientMeta(request),
        loginLimits(app),
        auditContextOf(request),
      );
      setSessionCookie(app, reply, session);
      return { user: presentSelf(user) };
    },
  );

  app.get('/api/me', { preHandler: requireViewer, schema: { response: { 200: userResponse } } }, async (request) => {
    const user = await currentUser(authDeps(app), viewerOf(request).userId);
    return { user: presentSelf(user) };
  });
};
