import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../../domain/ids.js';
import { requireClinician, viewerOf } from '../../plugins/session.js';
import { auditContextOf } from '../audit/service.js';
import { presentReply } from '../replies/presenters.js';
import { replySchema } from '../replies/schemas.js';
import { presentCase } from './presenters.js';
import { caseSchema, createCaseBody, editCaseBody, listCasesQuery, outcomeBody, solvedBody, threadQuery } from './schemas.js';

const caseResponse = z.object({ case: caseSchema });

/** Case threads: HTTP wiring only; the rules are in service.ts, the shapes in presenters.ts. */
export const caseRoutes: FastifyPluginAsyncZod = async (app) => {
  const { cases, replies } = app.services;
  const guarded = { preHandler: requireClinician };

  app.post('/api/cases', { ...guarded, schema: { body: createCaseBody, response: { 201: caseResponse } } }, async (request, reply) => {
    const viewer = viewerOf(request);
    const created = await cases.create({ viewer, input: request.body });
    return reply.code(201).send({ case: presentCase(created, viewer) });
  });

  app.get(
    '/api/cases',
    { ...guarded, schema: { querystring: listCasesQuery, response: { 200: z.object({ items: z.array(caseSchema), nextCursor: z.string().nullable(), prevCursor: z.string().nullable() }) } } },
    async (request) => {
      const viewer = viewerOf(request);
      const page = await cases.list({ viewer, query: request.query });
      return { items: page.items.map((row) => presentCase(row, viewer)), nextCursor: page.nextCursor, prevCursor: page.prevCursor };
    },
  );

  app.get(
    '/api/cases/:id',
    {
      ...guarded,
      schema: {
        params: idParams,
        querystring: threadQuery,
        response: { 200: z.object({ case: caseSchema, replies: z.array(replySchema), nextAfter: z.number().nullable().optional() }) },
      },
    },
    async (request) => {
      const viewer = viewerOf(request);
      const { after, limit } = request.query;
      const paged = limit !== undefined;
      const thread = await replies.thread({ viewer, caseId: request.params.id, page: paged ? { after, limit } : { after } });
      return {
        case: presentCase(thread.case, viewer, thread.acknowledgements),
        replies: thread.replies.map((row) => presentReply(row, viewer, thread.acknowledgements)),
        // Only a paged read says where to continue; a whole thread has nothing after it.
        ...(paged ? { nextAfter: thread.nextAfter } : {}),
      };
    },
  );

  app.patch('/api/cases/:id', { ...guarded, schema: { params: idParams, body: editCaseBody, response: { 200: caseResponse } } }, async (request) => {
    const viewer = viewerOf(request);
    return { case: presentCase(await cases.edit({ viewer, caseId: request.params.id, input: request.body }), viewer) };
  });

  app.delete('/api/cases/:id', { ...guarded, schema: { params: idParams } }, async (request, reply) => {
    await cases.remove({ viewer: viewerOf(request), audit: auditContextOf(request), caseId: request.params.id });
    return reply.code(204).send();
  });

  app.post('/api/cases/:id/solved', { ...guarded, schema: { params: idParams, body: solvedBody, response: { 200: caseResponse } } }, async (request) => {
    const viewer = viewerOf(request);
    return { case: presentCase(await cases.setSolved({ viewer, caseId: request.params.id, solved: request.body?.solved }), viewer) };
  });

  app.post('/api/cases/:id/outcome', { ...guarded, schema: { params: idParams, body: outcomeBody, response: { 200: caseResponse } } }, async (request) => {
    const viewer = viewerOf(request);
    return { case: presentCase(await cases.setOutcome({ viewer, caseId: request.params.id, input: request.body }), viewer) };
  });
};
