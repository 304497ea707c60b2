import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ForbiddenError } from '../errors.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function isApi(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

/**
 * A browser names the page that made a request in `Origin` and says where it stands in
 * `Sec-Fetch-Site`. A request from another site (or a sibling subdomain: `same-site`) is
 * refused whatever its body, so a body-less POST (vote, solved, logout) cannot be forged by a
 * form or fetch elsewhere. Clients that send neither header (curl, the CLI) are not browsers.
 */
export function isCrossOrigin(
  headers: { origin?: string | undefined; host?: string | undefined; 'sec-fetch-site'?: string | string[] | undefined },
  publicOrigin: string,
): boolean {
  const site = headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = headers.origin;
  if (origin === undefined) return false;
  if (origin === publicOrigin) return false;
  try {
    const url = new URL(origin);
    return url.origin !== origin || headers.host === undefined || url.host !== headers.host;
  } catch {
    // "null" (sandboxed frames, file://) or garbage: not this site.
    return true;
  }
}

/** Cross-origin refusal and `Cache-Control: no-store` for the JSON API. */
export const apiGuardPlugin = fp(async function apiGuardPlugin(app: FastifyInstance) {
  const publicOrigin = app.deps.config.PUBLIC_ORIGIN;
  app.addHook('onRequest', async (request) => {
    if (!isApi(request) || !UNSAFE.has(request.method)) return;
    if (isCrossOrigin(request.headers, publicOrigin)) {
      throw new ForbiddenError('requests from other sites are refused', 'cross_origin');
    }
  });
  // Every API answer is private to its viewer: no browser or proxy may keep it.
  app.addHook('onSend', async (request, reply) => {
    if (isApi(request)) reply.header('cache-control', 'no-store');
  });
});
