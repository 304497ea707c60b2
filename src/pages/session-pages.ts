import type { FastifyInstance } from 'fastify';
import { canModerate, canUseClinical } from '../modules/auth/policy.js';
import { endSession } from '../modules/auth/sessions.js';
import { clearSessionCookie } from '../plugins/session.js';
import { safeNext } from './paths.js';
import { renderPage, seeOther } from './render.js';

const page = { page: true };

/** Where a signed-in user starts: the cases, or the verification status while not verified. */
export function homeFor(viewer: Parameters<typeof canUseClinical>[0]): string {
  if (canUseClinical(viewer)) return '/cases';
  if (canModerate(viewer)) return '/moderation';
  return '/verify';
}

/** Landing page with the login form, registration and logout. */
export async function sessionPages(app: FastifyInstance): Promise<void> {
  app.get('/', { config: page }, async (request, reply) => {
    const next = safeNext((request.query as { next?: unknown }).next);
    if (request.viewer) return seeOther(reply, request.viewer && canUseClinical(request.viewer) ? next : homeFor(request.viewer));
    return renderPage(request, reply, 'home', { title: 'Log in', nav: 'login', next, values: { next } });
  });

  app.get('/register', { config: page }, async (request, reply) => {
    if (request.viewer) return seeOther(reply, homeFor(request.viewer));
    return renderPage(request, reply, 'register', { title: 'Register', nav: 'register' });
  });

  app.post('/logout', { config: page, preValidation: app.csrfProtection }, async (request, reply) => {
    if (request.viewer) await endSession(app.deps.database.db, request.viewer.sessionId, app.deps.clock.now(), 'logout');
    clearSessionCookie(app, reply);
    return seeOther(reply, '/');
  });
}
