import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import view from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { NotVerifiedError } from '../errors.js';
import { publicDir, viewsDir } from './assets.js';
import { formOf } from './forms.js';
import { loginPath } from './paths.js';
import { holdPost } from './resume.js';
import { renderPage, setModeratorCounts } from './render.js';
import { appShellRoutes } from './app-shell.js';
import { canModerate } from '../modules/auth/policy.js';
import { countPendingVerifications } from '../modules/verification/service.js';
import { casePages } from './case-pages.js';
import { threadPages } from './thread-pages.js';
import { moderationPages } from './moderation-pages.js';
import { notificationPages } from './notification-pages.js';
import { passwordResetPages } from './password-reset-pages.js';
import { settingsPages } from './settings-pages.js';
import { sessionPages } from './session-pages.js';
import { verifyPages } from './verify-pages.js';

export const CSRF_COOKIE = 'curbside_csrf';

/** The title and words of an error page, by status and code. */
function errorPage(status: number, message: string, error: unknown): { title: string; heading: string; text: string } {
  if (error instanceof NotVerifiedError) {
    return { title: 'Awaiting verification', heading: 'Your account is awaiting verification', text: message };
  }
  if (status === 404) return { title: 'Not found', heading: 'Page not found', text: 'There is nothing here. The case may have been removed, or the address is mistyped.' };
  if (status === 403) return { title: 'Not allowed', heading: 'You may not open this page', text: message };
  if (status === 429) return { title: 'Slow down', heading: 'Too many requests', text: message };
  if (status >= 500) return { title: 'Something went wrong', heading: 'Something went wrong on our side', text: 'Please try again in a moment.' };
  return { title: 'Request refused', heading: 'This request could not be handled', text: message };
}

function renderError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  _details?: unknown,
  error?: unknown,
): FastifyReply {
  if (status === 401 && request.method === 'POST') {
    // The session ended while a form was being filled in: log in again right here, with the
    // text kept, then see the same form filled in (src/pages/resume.ts).
    const held = holdPost(request, formOf(request));
    const next = held?.back ?? '/cases';
    return renderPage(request, reply, 'home', { title: 'Log in', nav: 'login', next, expired: true, held: held ? JSON.stringify(held) : '' }, 401);
  }
  if (status === 401) {
    // A signed-out browser is sent to the login form, and back here afterwards.
    const next = request.url;
    reply.header('cache-control', 'no-store');
    return reply.redirect(loginPath(next), 303);
  }
  const page = errorPage(status, message, error);
  return renderPage(request, reply, 'error', { ...page, status, code, requestId: String(request.id) }, status);
}

/**
 * The server-rendered front end. Templates, CSRF and static files are registered app-wide so
 * that error pages (an unknown path, a refused API-less route) render with the same layout;
 * urlencoded bodies are parsed only inside the page routes, so the JSON API stays JSON-only.
 */
export const pagesPlugin = fp(async function pagesPlugin(app: FastifyInstance) {
  const production = app.deps.config.NODE_ENV === 'production';
  const secure = app.deps.config.PUBLIC_ORIGIN.startsWith('https:');

  await app.register(view, {
    engine: { eta: new Eta({ views: viewsDir, cache: production, autoEscape: true, autoTrim: [false, 'nl'] }) },
    templates: viewsDir,
    production,
  });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure },
  });
  await app.register(fastifyStatic, {
    root: publicDir,
    prefix: '/static/',
    index: false,
    // URLs carry a content hash (assetUrl), so a file can be kept for a year.
    maxAge: '365d',
    immutable: true,
  });

  app.errorRenderers.html = renderError;

  await app.register(appShellRoutes);
  await app.register(async function pageRoutes(pages) {
    await pages.register(formbody, { bodyLimit: 128 * 1024 });
    const counting = { db: app.deps.database.db };
    pages.addHook('preHandler', async (request) => {
      if (!canModerate(request.viewer)) return;
      const [verifications, flags] = await Promise.all([countPendingVerifications(counting), app.services.moderation.countOpenFlags()]);
      setModeratorCounts(request, { verifications, flags });
    });
    // Not encapsulated: its hook counts unread notifications for the bell on every page.
    await pages.register(fp(notificationPages));
    await pages.register(sessionPages);
    await pages.register(verifyPages);
    await pages.register(casePages);
    await pages.register(threadPages);
    await pages.register(moderationPages);
    await pages.register(settingsPages);
    await pages.register(passwordResetPages);
  });
});
