import { watching } from '../modules/notifications/inbox.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { auditContextOf } from '../modules/audit/service.js';
import { presentCase } from '../modules/cases/presenters.js';
import { presentReply } from '../modules/replies/presenters.js';
import { replyBody } from '../modules/replies/schemas.js';
import type { Services } from '../services.js';
import { requireClinician, viewerOf } from '../plugins/session.js';
import { setFlash, type Flash } from './flash.js';
import { acknowledgementsOf, fieldErrors, formOf, sentence, textField } from './forms.js';
import { phiFindingsOf, type PhiFinding } from './phi-findings.js';
import { viewHelpers } from './labels.js';
import { renderPage, seeOther } from './render.js';
import { caseControls, replyControls } from './thread-view.js';
import { threadActionPages } from './thread-actions.js';

const clinicalPage = { config: { page: true }, preHandler: requireClinician };

/** The state of one form on the thread page after a refused post: what was sent and why not. */
export interface FormState {
  values: Record<string, unknown>;
  errors?: Record<string, string>;
  phiFindings?: PhiFinding[];
}

export interface ThreadPages {
  services: Services;
  renderThread(request: FastifyRequest, reply: FastifyReply, caseId: string, form?: Record<string, FormState>, status?: number): Promise<FastifyReply>;
  /** 303 back to the thread at `anchor`, with a message shown there. */
  backTo(reply: FastifyReply, caseId: string, anchor: string, flash?: Flash): FastifyReply;
}

/**
 * The thread page: the case and its replies, each drawn by one partial (views/partials/case-head
 * and reply) both when the page loads and when the live script asks for a fragment, so a reply
 * added live looks exactly like one rendered with the page.
 */
export async function threadPages(app: FastifyInstance): Promise<void> {
  const { services } = app;
  const secret = app.deps.config.SESSION_SECRET;
  const secure = app.deps.config.PUBLIC_ORIGIN.startsWith('https:');
  const csrf = { preValidation: app.csrfProtection };

  async function loadThread(request: FastifyRequest, caseId: string) {
    const viewer = viewerOf(request);
    const now = app.deps.clock.now();
    const thread = await services.replies.thread({ viewer, caseId });
    const kase = presentCase(thread.case, viewer, thread.acknowledgements);
    const replies = thread.replies.map((r) => {
      const reply = presentReply(r, viewer, thread.acknowledgements);
      return { reply, can: replyControls(viewer, kase, reply, now) };
    });
    // The live script subscribes from here: every event up to now is already on the page.
    return { kase, replies, can: caseControls(viewer, kase, now), lastSeq: thread.case.lastSeq, now };
  }

  const threads: ThreadPages = {
    services,
    async renderThread(request, reply, caseId, form = {}, status = 200) {
      const { kase, replies, can, lastSeq, now } = await loadThread(request, caseId);
      const isWatching = await watching({ db: app.deps.database.db, clock: app.deps.clock, cases: app.services.cases }, viewerOf(request), kase.id);
      const repost = (request.query as { repost?: string }).repost;
      const hiddenReply = repost && !form.reply ? replies.find((r) => r.reply.id === repost && r.can.repost) : undefined;
      if (hiddenReply) form = { ...form, reply: { values: { body: hiddenReply.reply.body } } };
      return renderPage(
        request,
        reply,
        'case',
        { title: kase.title, nav: 'cases', scripts: ['js/live.js', 'js/phi.js', 'js/thread.js'], case: kase, can, replies, lastSeq, now, form, repostNote: Boolean(hiddenReply), watching: isWatching },
        status,
      );
    },
    backTo(reply, caseId, anchor, flash) {
      if (flash) setFlash(reply, secret, flash, secure);
      return seeOther(reply, `/cases/${caseId}#${anchor}`);
    },
  };

  app.get('/cases/:id', clinicalPage, async (request, reply) => threads.renderThread(request, reply, (request.params as { id: string }).id));

  // A refused reply is shown at the address it was posted to; reloading that address (a GET)
  // comes back to the thread rather than to a 404.
  app.get('/cases/:id/replies', clinicalPage, async (request, reply) => seeOther(reply, `/cases/${encodeURIComponent((request.params as { id: string }).id)}#your-reply`));

  /** The case header alone, for the live script after a case.updated event. */
  app.get('/cases/:id/head', clinicalPage, async (request, reply) => {
    const { kase, can, lastSeq, now } = await loadThread(request, (request.params as { id: string }).id);
    reply.header('cache-control', 'no-store');
    return reply.type('text/html; charset=utf-8').view('partials/case-head', { ...fragmentLocals(request, reply), case: kase, can, lastSeq, now });
  });

  /** One reply alone, for the live script after reply.created or reply.updated: 404 once it is gone. */
  app.get('/cases/:id/replies/:replyId', clinicalPage, async (request, reply) => {
    const { id, replyId } = request.params as { id: string; replyId: string };
    const { replies, now } = await loadThread(request, id);
    const item = replies.find((r) => r.reply.id === replyId);
    reply.header('cache-control', 'no-store');
    if (!item) return reply.code(404).type('text/plain').send('gone');
    return reply.type('text/html; charset=utf-8').view('partials/reply', { ...fragmentLocals(request, reply), reply: item.reply, can: item.can, now });
  });

  app.post('/cases/:id/replies', { ...clinicalPage, ...csrf }, async (request, reply) => {
    const viewer = viewerOf(request);
    const caseId = (request.params as { id: string }).id;
    const form = formOf(request);
    const values = { body: textField(form, 'body').trim() };
    const parsed = replyBody.safeParse({ ...values, acknowledge: acknowledgementsOf(form) });
    if (!parsed.success) return threads.renderThread(request, reply, caseId, { reply: { values, errors: fieldErrors(parsed.error) } }, 422);
    try {
      const created = await services.replies.create({ viewer, caseId, input: parsed.data });
      return threads.backTo(reply, caseId, `reply-${created.id}`, { tone: 'ok', text: 'Your reply was posted.', posted: `reply:${caseId}` });
    } catch (error) {
      const findings = phiFindingsOf(error);
      if (findings) return threads.renderThread(request, reply, caseId, { reply: { values, phiFindings: findings } }, 422);
      if (error instanceof AppError && error.statusCode !== 404 && error.statusCode < 500) {
        return threads.renderThread(request, reply, caseId, { reply: { values, errors: { body: sentence(error.message) } } }, error.statusCode);
      }
      throw error;
    }
  });

  await threadActionPages(app, threads);
}

/** What the partials need when rendered alone, outside the layout. */
function fragmentLocals(_request: FastifyRequest, reply: FastifyReply) {
  return { csrfToken: reply.generateCsrf(), h: viewHelpers, form: {} };
}
