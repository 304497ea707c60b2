import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../../domain/ids.js';
import { requireClinician, viewerOf } from '../../plugins/session.js';
import { auditContextOf } from '../audit/service.js';
import { presentReply } from './presenters.js';
import { helpfulBody, replyBody, replySchema, voteBody } from './schemas.js';

const replyResponse = z.object({ reply: replySchema });

/** Replies, votes and helpful marks: HTTP wiring only. */
export const replyRoutes: FastifyPluginAsyncZod = async (app) => {
  const { replies } = app.services;
  const guarded = { preHandler: requireClinician };

  app.post(
    '/api/cases/:id/replies',
    { ...guarded, schema: { params: idParams, body: replyBody, response: { 201: replyResponse } } },
    async (request, reply) => {
      const viewer = viewerOf(request);
      const created = await replies.create({ viewer, caseId: request.params.id, input: request.body });
      return reply.code(201).send({ reply: presentReply(created, viewer) });
    },
  );

  app.patch('/api/replies/:id', { ...guarded, schema: { params: idParams, body: replyBody, response: { 200: replyResponse } } }, async (request) => {
    const viewer = viewerOf(request);
    return { reply: presentReply(await replies.edit({ viewer, replyId: request.params.id, input: request.body }), viewer) };
  });

  app.delete('/api/replies/:id', { ...guarded, schema: { params: idParams } }, async (request, reply) => {
    await replies.remove({ viewer: viewerOf(request), audit: auditContextOf(request), replyId: request.params.id });
    return reply.code(204).send();
  });

  app.post(
    '/api/replies/:id/vote',
    { ...guarded, schema: { params: idParams, body: voteBody, response: { 200: replyResponse.extend({ votes: z.number(), voted: z.boolean() }) } } },
    async (request) => {
      const viewer = viewerOf(request);
      const row = await replies.vote({ viewer, replyId: request.params.id, voted: request.body?.voted });
      return { reply: presentReply(row, viewer), votes: row.votes, voted: row.voted };
    },
  );

  app.post('/api/replies/:id/helpful', { ...guarded, schema: { params: idParams, body: helpfulBody, response: { 200: replyResponse } } }, async (request) => {
    const viewer = viewerOf(request);
    return { reply: presentReply(await replies.markHelpful({ viewer, replyId: request.params.id, helpful: request.body?.helpful }), viewer) };
  });
};
