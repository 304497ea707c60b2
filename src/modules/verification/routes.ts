import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireModerator, requireViewer, viewerOf } from '../../plugins/session.js';
import { auditContextOf } from '../audit/service.js';
import { presentOwnVerification } from './presenters.js';
import {
  decisionBody,
  decisionParams,
  decisionResponse,
  ownResponse,
  queueQuery,
  queueResponse,
  submissionBody,
  submitResponse,
} from './schemas.js';
import { decideVerification, ownVerification, submitVerification, verificationQueue, type VerificationDeps } from './service.js';

function verificationDeps(app: FastifyInstance): VerificationDeps {
  return { db: app.deps.database.db, now: () => app.deps.clock.now() };
}

/** The applicant's side (/api/verification) and the moderators' queue (/api/moderation/verifications). */
export const verificationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/api/verification',
    { preHandler: requireViewer, schema: { body: submissionBody, response: { 202: submitResponse } } },
    async (request, reply) => {
      const row = await submitVerification(verificationDeps(app), viewerOf(request).userId, request.body, auditContextOf(request));
      return reply.code(202).send({ verification: presentOwnVerification(row) });
    },
  );

  app.get('/api/verification', { preHandler: requireViewer, schema: { response: { 200: ownResponse } } }, async (request) => {
    const row = await ownVerification(verificationDeps(app), viewerOf(request).userId);
    return { verification: row ? presentOwnVerification(row) : null };
  });

  app.get(
    '/api/moderation/verifications',
    { preHandler: requireModerator, schema: { querystring: queueQuery, response: { 200: queueResponse } } },
    async (request) => ({ items: await verificationQueue(verificationDeps(app), request.query.status, request.query.limit, auditContextOf(request)) }),
  );

  app.post(
    '/api/moderation/verifications/:id/decision',
    { preHandler: requireModerator, schema: { params: decisionParams, body: decisionBody, response: { 200: decisionResponse } } },
    async (request) => {
      const verification = await decideVerification(
        verificationDeps(app),
        viewerOf(request).userId,
        request.params.id,
        request.body,
        auditContextOf(request),
      );
      return { verification };
    },
  );
};
