import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireClinician, requireModerator, viewerOf } from '../../plugins/session.js';
import { auditContextOf } from '../audit/service.js';
import { caseSchema, replySchema } from '../cases/schemas.js';
import {
  contentParams,
  createFlagBody,
  decisionBody,
  flagParams,
  flagSchema,
  listFlagsQuery,
  moderationReasonBody,
  queuedFlagSchema,
} from './schemas.js';
import { contentForModerator, createFlag, decideFlag, hideContent, listFlagQueue, presentFlag, restoreContent, type FlagsDeps } from './service.js';

const contentResponse = z.object({ case: caseSchema.optional(), reply: replySchema.optional() });

/** Flags raised by physicians and the moderators' decisions on them. */
export const flagRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps: FlagsDeps = { db: app.deps.database.db, clock: app.deps.clock };

  app.post(
    '/api/flags',
    { preHandler: requireClinician, schema: { body: createFlagBody, response: { 201: z.object({ flag: flagSchema }) } } },
    async (request, reply) => {
      const flag = await createFlag(deps, viewerOf(request), request.body);
      return reply.code(201).send({ flag: presentFlag(flag) });
    },
  );

  app.get(
    '/api/moderation/flags',
    { preHandler: requireModerator, schema: { querystring: listFlagsQuery, response: { 200: z.object({ items: z.array(queuedFlagSchema) }) } } },
    async (request) => ({ items: await listFlagQueue(deps, viewerOf(request), request.query.status) }),
  );

  app.post(
    '/api/moderation/flags/:id/decision',
    { preHandler: requireModerator, schema: { params: flagParams, body: decisionBody, response: { 200: z.object({ flag: flagSchema }) } } },
    async (request) => {
      const flag = await decideFlag(deps, viewerOf(request), auditContextOf(request), request.params.id, request.body);
      return { flag: presentFlag(flag) };
    },
  );

  app.post(
    '/api/moderation/content/:type/:id/hide',
    { preHandler: requireModerator, schema: { params: contentParams, body: moderationReasonBody, response: { 200: contentResponse } } },
    async (request) => {
      const moderator = viewerOf(request);
      await hideContent(deps, moderator, auditContextOf(request), request.params, request.body.reason);
      return contentForModerator(deps, moderator, request.params);
    },
  );

  app.post(
    '/api/moderation/content/:type/:id/restore',
    { preHandler: requireModerator, schema: { params: contentParams, body: moderationReasonBody, response: { 200: contentResponse } } },
    async (request) => {
      const moderator = viewerOf(request);
      await restoreContent(deps, moderator, auditContextOf(request), request.params, request.body.reason);
      return contentForModerator(deps, moderator, request.params);
    },
  );
};
