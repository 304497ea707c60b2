import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../../domain/ids.js';
import { requireClinician, requireModerator, viewerOf } from '../../plugins/session.js';
import { auditContextOf } from '../audit/service.js';
import { caseSchema } from '../cases/schemas.js';
import { replySchema } from '../replies/schemas.js';
import { presentFlag, presentModeratedContent } from './presenters.js';
import { contentParams, createFlagBody, decisionBody, flagSchema, listFlagsQuery, moderationReasonBody, queuedFlagSchema } from './schemas.js';

const contentResponse = z.object({ case: caseSchema.optional(), reply: replySchema.optional() });

/** Flags raised by physicians, the moderators' decisions on them, and direct hide/restore. */
export const moderationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { moderation } = app.services;

  app.post(
    '/api/flags',
    { preHandler: requireClinician, schema: { body: createFlagBody, response: { 201: z.object({ flag: flagSchema }) } } },
    async (request, reply) => {
      const flag = await moderation.flag({ viewer: viewerOf(request), input: request.body });
      return reply.code(201).send({ flag: presentFlag(flag) });
    },
  );

  app.get(
    '/api/moderation/flags',
    { preHandler: requireModerator, schema: { querystring: listFlagsQuery, response: { 200: z.object({ items: z.array(queuedFlagSchema) }) } } },
    async (request) => ({ items: await moderation.queue({ moderator: viewerOf(request), status: request.query.status }) }),
  );

  app.post(
    '/api/moderation/flags/:id/decision',
    { preHandler: requireModerator, schema: { params: idParams, body: decisionBody, response: { 200: z.object({ flag: flagSchema }) } } },
    async (request) => {
      const flag = await moderation.decide({ moderator: viewerOf(request), audit: auditContextOf(request), flagId: request.params.id, input: request.body });
      return { flag: presentFlag(flag) };
    },
  );

  for (const action of ['hide', 'restore'] as const) {
    app.post(
      `/api/moderation/content/:type/:id/${action}`,
      { preHandler: requireModerator, schema: { params: contentParams, body: moderationReasonBody, response: { 200: contentResponse } } },
      async (request) => {
        const moderator = viewerOf(request);
        await moderation[action]({ moderator, audit: auditContextOf(request), ref: request.params, reason: request.body.reason });
        return presentModeratedContent(moderator, await moderation.loadContent(moderator, [request.params]));
      },
    );
  }
};
