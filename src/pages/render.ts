import type { FastifyReply, FastifyRequest } from 'fastify';
import { assetVersion } from './assets.js';
import { takeFlash } from './flash.js';
import { viewHelpers } from './labels.js';
import { canModerate, canUseClinical } from '../modules/auth/policy.js';

export interface PageData {
  title: string;
  /** Which main-navigation entry is current. */
  nav?: string;
  /** ES module files under public/ to load. */
  scripts?: string[];
  [key: string]: unknown;
}

/** The brand colour: the browser's theme colour and the manifest's. */
export const THEME_COLOR = '#0b5cad';

let version: string | undefined;

/** What waits for a moderator, shown in the header of every page they open. */
export interface ModeratorCounts {
  verifications: number;
  flags: number;
}
const moderatorCounts = new WeakMap<FastifyRequest, ModeratorCounts>();

export function setModeratorCounts(request: FastifyRequest, counts: ModeratorCounts): void {
  moderatorCounts.set(request, counts);
}

/** /static/… with the assets' content hash, so the file may be cached for a year. */
export function assetUrl(file: string): string {
  version ??= assetVersion();
  return `/static/${file}?v=${version}`;
}

/** Locals every page and the layout use. */
export function pageLocals(request: FastifyRequest, reply: FastifyReply) {
  const viewer = request.viewer;
  const flash = takeFlash(request, reply, request.server.deps.config.SESSION_SECRET);
  return {
    flash,
    posted: flash?.posted ?? null,
    viewer,
    canUseClinical: canUseClinical(viewer),
    canModerate: canModerate(viewer),
    unreadNotifications: request.unreadNotifications ?? null,
    moderatorCounts: moderatorCounts.get(request) ?? null,
    themeColor: THEME_COLOR,
    csrfToken: reply.generateCsrf(),
    asset: assetUrl,
    h: viewHelpers,
    errors: {} as Record<string, string>,
    values: {} as Record<string, unknown>,
  };
}

/**
 * Renders a template inside the layout. Pages show confidential content, so no page is ever
 * stored by a browser or proxy cache.
 */
export function renderPage(request: FastifyRequest, reply: FastifyReply, template: string, data: PageData, status = 200): FastifyReply {
  reply.header('cache-control', 'no-store');
  reply.type('text/html; charset=utf-8');
  return reply.code(status).view(template, { ...pageLocals(request, reply), ...data });
}

/** Post/redirect/get: 303 so the browser follows with a GET. */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.redirect(location, 303);
}
