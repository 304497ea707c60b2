import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParams } from '../../domain/ids.js';
import { requireModerator, requireViewer, viewerOf } from '../../plugins/session.js';
import { auditContextOf } from '../audit/service.js';
import { presentOwnVerification } from './presenters.js';
import {
  decisionBody,
    decisionResponse,
  ownResponse,
  queueQuery,
  queueResponse,
  submissionBody,
  submitResponse,
} from './schemas.js';

/** The applicant's side (/api/verification) and the moderators' queue (/api/moderation/verifications). */
export const verificationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { verification: service } = app.services;
  app.post(
    '/api/verification',
    { preHandler: requireViewer, schema: { body: submissionBody, response: { 202: submitResponse } } },
    async (request, reply) => {
      const row = await service.submit({ userId: viewerOf(request).userId, input: request.body, audit: auditContextOf(request) });
      return reply.code(202).send({ verification: presentOwnVerification(row) });
    },
  );

  app.get('/api/verification', { preHandler: requireViewer, schema: { response: { 200: ownResponse } } }, async (request) => {
    const row = await service.own({ userId: viewerOf(request).userId });
    return { verification: row ? presentOwnVerification(row) : null };
  });

  app.get(
    '/api/moderation/verifications',
    { preHandler: requireModerator, schema: { querystring: queueQuery, response: { 200: queueResponse } } },
    async (request) => ({ items: await service.queue({ status: request.query.status, limit: request.query.limit, audit: auditContextOf(request) }) }),
  );

  app.post(
    '/api/moderation/verifications/:id/decision',
    { preHandler: requireModerator, schema: { params: idParams, body: decisionBody, response: { 200: decisionResponse } } },
    async (request) => {
      const verification = await service.decide({
        moderatorId: viewerOf(request).userId,
        requestId: request.params.id,
        input: request.body,
        audit: auditContextOf(request),
      });
      return { verification };
    },
  );
};
