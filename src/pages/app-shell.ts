import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { publicDir } from './assets.js';
import { assetUrl, THEME_COLOR } from './render.js';

/** What makes the site installable: the web-app manifest, and the favicon at its usual path. */
export function webManifest() {
  return {
    name: 'Curbside',
    short_name: 'Curbside',
    description: 'Case consultations among verified physicians.',
    id: '/cases',
    start_url: '/cases',
    scope: '/',
    display: 'standalone',
    background_color: '#f3f5f7',
    theme_color: THEME_COLOR,
    icons: [
      { src: assetUrl('icons/icon-192.png'), sizes: '192x192', type: 'image/png' },
      { src: assetUrl('icons/icon-512.png'), sizes: '512x512', type: 'image/png' },
      { src: assetUrl('icons/maskable-512.png'), sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      { src: assetUrl('icons/icon.svg'), sizes: 'any', type: 'image/svg+xml' },
    ],
  };
}

export async function appShellRoutes(app: FastifyInstance): Promise<void> {
  const favicon = readFileSync(path.join(publicDir, 'icons', 'favicon-32.png'));

  app.get('/manifest.webmanifest', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=3600');
    return reply.type('application/manifest+json').send(JSON.stringify(webManifest()));
  });

  app.get('/favicon.ico', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=86400');
    return reply.type('image/png').send(favicon);
  });
}
