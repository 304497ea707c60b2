import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import view from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { publicDir, viewsDir } from './assets.js';
import { loginPath } from './paths.js';
import { renderPage } from './render.js';
import { casePages } from './case-pages.js';
import { moderationPages } from './moderation-pages.js';
import { notificationPages } from './notification-pages.js';
import { passwordResetPages } from './password-reset-pages.js';
import { settingsPages } from './settings-pages.js';
import { sessionPages } from './session-pages.js';
import { verifyPages } from './verify-pages.js';

export const CSRF_COOKIE = 'curbside_csrf';

/** The title and words of an error page, by status and code. */
function errorPage(status: number, code: string, message: string): { title: string; heading: string; text: string } {
  if (code === 'not_verified') {
    return { title: 'Awaiting verification', heading: 'Your account is awaiting verification', text: message };
  }
  if (status === 404) return { title: 'Not found', heading: 'Page not found', text: 'There is nothing here. The case may have been removed, or the address is mistyped.' };
  if (status === 403) return { title: 'Not allowed', heading: 'You may not open this page', text: message };
  if (status === 429) return { title: 'Slow down', heading: 'Too many requests', text: message };
  if (status >= 500) return { title: 'Something went wrong', heading: 'Something went wrong on our side', text: 'Please try again in a moment.' };
  return { title: 'Request refused', heading: 'This request could not be handled', text: message };
}

function renderError(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  if (status === 401) {
    // A signed-out browser is sent to the login form, and back here afterwards.
    const next = request.method === 'GET' ? request.url : '/cases';
    reply.header('cache-control', 'no-store');
    return reply.redirect(loginPath(next), 303);
  }
  const page = errorPage(status, code, message);
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

  await app.register(async function pageRoutes(pages) {
    await pages.register(formbody, { bodyLimit: 128 * 1024 });
    // Not encapsulated: its hook counts unread notifications for the bell on every page.
    await pages.register(fp(notificationPages));
    await pages.register(sessionPages);
    await pages.register(verifyPages);
    await pages.register(casePages);
    await pages.register(moderationPages);
    await pages.register(settingsPages);
    await pages.register(passwordResetPages);
  });
});
