import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pingDatabase } from '../../db/client.js';
import { sendError } from '../../plugins/errors.js';

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/healthz',
    { schema: { response: { 200: z.object({ status: z.literal('ok') }) } } },
    async (request, reply) => {
      try {
        await pingDatabase(app.deps.database.pool);
      } catch {
        return sendError(request, reply, 503, 'database_unavailable', 'the database does not answer');
      }
      return { status: 'ok' as const };
    },
  );
};
