import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireClinician } from '../../plugins/session.js';
import { scanText } from './scan.js';
import { scanBodySchema, scanResponseSchema } from './schemas.js';

export const phiRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/api/phi/scan',
    { preHandler: requireClinician, schema: { body: scanBodySchema, response: { 200: scanResponseSchema } } },
    async (request) => ({ findings: scanText(request.body.text) }),
  );
};
