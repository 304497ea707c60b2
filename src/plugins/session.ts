import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ForbiddenError, NotVerifiedError, UnauthenticatedError } from '../errors.js';
import { canModerate, canUseClinical } from '../modules/auth/policy.js';
import { SESSION_COOKIE, type Viewer } from '../modules/auth/session-types.js';
import { authenticateToken, type StartedSession } from '../modules/auth/sessions.js';
import { ViewerCache } from '../modules/auth/viewer-cache.js';

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null;
  }
  interface FastifyInstance {
    /** Sessions checked in the last minute, dropped on revocation (see ViewerCache). */
    viewerCache: ViewerCache;
  }
}

/** Reads the session cookie on every request and sets `request.viewer` (null when signed out). */
export const sessionPlugin = fp(async function sessionPlugin(app: FastifyInstance) {
  await app.register(cookie);
  const { database, config, clock } = app.deps;
  const cache = new ViewerCache(database.url, app.log);
  await cache.start();
  app.decorate('viewerCache', cache);
  app.addHook('onClose', async () => cache.stop());
  app.decorateRequest('viewer', null);
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    request.viewer = await authenticateToken(database.db, config.SESSION_SECRET, token, clock.now(), cache);
  });
});

export function setSessionCookie(app: FastifyInstance, reply: FastifyReply, session: StartedSession): void {
  reply.setCookie(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: app.deps.config.PUBLIC_ORIGIN.startsWith('https:'),
    path: '/',
    expires: session.expiresAt,
  });
}

export function clearSessionCookie(app: FastifyInstance, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'lax',
    secure: app.deps.config.PUBLIC_ORIGIN.startsWith('https:'),
    path: '/',
  });
}

/** preHandler guards: 401 without a session, 403 when the role does not allow it. */
export async function requireViewer(request: FastifyRequest): Promise<void> {
  if (!request.viewer) throw new UnauthenticatedError();
}

export async function requireClinician(request: FastifyRequest): Promise<void> {
  if (!request.viewer) throw new UnauthenticatedError();
  if (!canUseClinical(request.viewer)) {
    throw new NotVerifiedError();
  }
}

export async function requireModerator(request: FastifyRequest): Promise<void> {
  if (!request.viewer) throw new UnauthenticatedError();
  if (!canModerate(request.viewer)) throw new ForbiddenError('moderators only');
}

/** For code that already ran a guard: the viewer, typed as present. */
export function viewerOf(request: FastifyRequest): Viewer {
  if (!request.viewer) throw new UnauthenticatedError();
  return request.viewer;
}
