import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditContextOf } from '../audit/service.js';
import { requireClinician, viewerOf } from '../../plugins/session.js';
import { presentCase, presentReply } from './presenters.js';
import {
  caseSchema,
  createCaseBody,
  editCaseBody,
  helpfulBody,
  idParams,
  listCasesQuery,
  outcomeBody,
  replyBody,
  replySchema,
  solvedBody,
  voteBody,
} from './schemas.js';
import {
  createCase,
  createReply,
  deleteCase,
  deleteReply,
  editCase,
  editReply,
  getThread,
  listCases,
  markHelpful,
  setOutcome,
  setSolved,
  voteForReply,
  type CasesDeps,
} from './service.js';

export function casesDepsOf(app: FastifyInstance): CasesDeps {
  return {
    db: app.deps.database.db,
    clock: app.deps.clock,
    postsPerMinute: app.deps.config.RATE_LIMIT_POSTS_PER_MINUTE,
    notify: app.notifications.notifier,
  };
}

const caseResponse = z.object({ case: caseSchema });
const replyResponse = z.object({ reply: replySchema });

/** Case threads: HTTP wiring only; the rules are in service.ts, the shapes in presenters.ts. */
export const caseRoutes: FastifyPluginAsyncZod = async (app) => {
  const deps = casesDepsOf(app);
  const guarded = { preHandler: requireClinician };

  app.post('/api/cases', { ...guarded, schema: { body: createCaseBody, response: { 201: caseResponse } } }, async (request, reply) => {
    const viewer = viewerOf(request);
    const created = await createCase(deps, viewer, request.body);
    return reply.code(201).send({ case: presentCase(created, viewer) });
  });

  app.get(
    '/api/cases',
    { ...guarded, schema: { querystring: listCasesQuery, response: { 200: z.object({ items: z.array(caseSchema), nextCursor: z.string().nullable() }) } } },
    async (request) => {
      const viewer = viewerOf(request);
      const page = await listCases(deps, viewer, request.query);
      return { items: page.items.map((row) => presentCase(row, viewer)), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/api/cases/:id',
    { ...guarded, schema: { params: idParams, response: { 200: z.object({ case: caseSchema, replies: z.array(replySchema) }) } } },
    async (request) => {
      const viewer = viewerOf(request);
      const thread = await getThread(deps, viewer, request.params.id);
      return {
        case: presentCase(thread.case, viewer, thread.acknowledgements),
        replies: thread.replies.map((row) => presentReply(row, viewer, thread.acknowledgements)),
      };
    },
  );

  app.patch('/api/cases/:id', { ...guarded, schema: { params: idParams, body: editCaseBody, response: { 200: caseResponse } } }, async (request) => {
    const viewer = viewerOf(request);
    return { case: presentCase(await editCase(deps, viewer, request.params.id, request.body), viewer) };
  });

  app.delete('/api/cases/:id', { ...guarded, schema: { params: idParams } }, async (request, reply) => {
    await deleteCase(deps, viewerOf(request), auditContextOf(request), request.params.id);
    return reply.code(204).send();
  });

  app.post('/api/cases/:id/solved', { ...guarded, schema: { params: idParams, body: solvedBody, response: { 200: caseResponse } } }, async (request) => {
    const viewer = viewerOf(request);
    return { case: presentCase(await setSolved(deps, viewer, request.params.id, request.body?.solved), viewer) };
  });

  app.post('/api/cases/:id/outcome', { ...guarded, schema: { params: idParams, body: outcomeBody, response: { 200: caseResponse } } }, async (request) => {
    const viewer = viewerOf(request);
    return { case: presentCase(await setOutcome(deps, viewer, request.params.id, request.body), viewer) };
  });

  app.post(
    '/api/cases/:id/replies',
    { ...guarded, schema: { params: idParams, body: replyBody, response: { 201: replyResponse } } },
    async (request, reply) => {
      const viewer = viewerOf(request);
      const created = await createReply(deps, viewer, request.params.id, request.body);
      return reply.code(201).send({ reply: presentReply(created, viewer) });
    },
  );

  app.patch('/api/replies/:id', { ...guarded, schema: { params: idParams, body: replyBody, response: { 200: replyResponse } } }, async (request) => {
    const viewer = viewerOf(request);
    return { reply: presentReply(await editReply(deps, viewer, request.params.id, request.body), viewer) };
  });

  app.delete('/api/replies/:id', { ...guarded, schema: { params: idParams } }, async (request, reply) => {
    await deleteReply(deps, viewerOf(request), auditContextOf(request), request.params.id);
    return reply.code(204).send();
  });

  app.post(
    '/api/replies/:id/vote',
    { ...guarded, schema: { params: idParams, body: voteBody, response: { 200: replyResponse.extend({ votes: z.number(), voted: z.boolean() }) } } },
    async (request) => {
      const viewer = viewerOf(request);
      const row = await voteForReply(deps, viewer, request.params.id, request.body?.voted);
      return { reply: presentReply(row, viewer), votes: row.votes, voted: row.voted };
    },
  );

  app.post('/api/replies/:id/helpful', { ...guarded, schema: { params: idParams, body: helpfulBody, response: { 200: replyResponse } } }, async (request) => {
    const viewer = viewerOf(request);
    return { reply: presentReply(await markHelpful(deps, viewer, request.params.id, request.body?.helpful), viewer) };
  });
};
