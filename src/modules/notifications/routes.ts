import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireClinician, viewerOf } from '../../plugins/session.js';
import { getFollows, getSettings, listNotifications, markNotificationsRead, putFollows, putSettings, setWatching, type InboxDeps } from './inbox.js';
import {
  followsBody,
  followsResponse,
  listQuery,
  listResponse,
  readBody,
  settingsBody,
  settingsResponse,
  watchBody,
  watchResponse,
} from './schemas.js';

/** Notifications, watching, following and notification settings: HTTP wiring only. */
export const notificationRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps: InboxDeps = { db: app.deps.database.db, clock: app.deps.clock, cases: app.services.cases };
  const guarded = { preHandler: requireClinician };

  app.get('/api/notifications', { ...guarded, schema: { querystring: listQuery, response: { 200: listResponse } } }, async (request) =>
    listNotifications(deps, viewerOf(request), request.query),
  );

  app.post('/api/notifications/read', { ...guarded, schema: { body: readBody } }, async (request, reply) => {
    await markNotificationsRead(deps, viewerOf(request), request.body);
    return reply.code(204).send();
  });

  app.post(
    '/api/cases/:id/watch',
    { ...guarded, schema: { params: z.object({ id: z.string().max(100) }), body: watchBody, response: { 200: watchResponse } } },
    async (request) => ({ watching: await setWatching(deps, viewerOf(request), request.params.id, request.body.watch) }),
  );

  app.get('/api/me/follows', { ...guarded, schema: { response: { 200: followsResponse } } }, async (request) => getFollows(deps, viewerOf(request)));

  app.put('/api/me/follows', { ...guarded, schema: { body: followsBody, response: { 200: followsResponse } } }, async (request) =>
    putFollows(deps, viewerOf(request), request.body),
  );

  app.get('/api/me/notification-settings', { ...guarded, schema: { response: { 200: settingsResponse } } }, async (request) =>
    getSettings(deps, viewerOf(request)),
  );

  app.put('/api/me/notification-settings', { ...guarded, schema: { body: settingsBody, response: { 200: settingsResponse } } }, async (request) =>
    putSettings(deps, viewerOf(request), request.body),
  );
};
