import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireModerator } from '../../plugins/session.js';
import { auditPage } from './service.js';

const auditEvent = z.object({
  id: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  hash: z.string().nullable(),
});

export const auditQuery = z.strictObject({ cursor: z.string().regex(/^[1-9]\d{0,15}$/, 'not a cursor from this list').optional() });

/** The audit log for moderators, newest first. */
export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/moderation/audit',
    {
      preHandler: requireModerator,
      schema: { querystring: auditQuery, response: { 200: z.object({ items: z.array(auditEvent), nextCursor: z.string().nullable() }) } },
    },
    async (request) => auditPage(app.deps.database.db, request.query.cursor),
  );
};
