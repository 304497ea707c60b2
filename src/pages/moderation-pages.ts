import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../errors.js';
import { auditContextOf } from '../modules/audit/service.js';
import { requireModerator, viewerOf } from '../plugins/session.js';
import { formOf, sentence, textField } from './forms.js';
import { specialtyOptions } from './labels.js';
import { renderPage, seeOther } from './render.js';

const QUEUE_SIZE = 100;

/** The moderators' page: verification requests with their evidence, and flagged content. */
export async function moderationPages(app: FastifyInstance): Promise<void> {
  const { verification, moderation } = app.services;
  const guarded = { config: { page: true }, preHandler: requireModerator };
  const posting = { ...guarded, preValidation: app.csrfProtection };

  async function renderQueue(request: FastifyRequest, reply: FastifyReply, data: Record<string, unknown> = {}, status = 200) {
    const moderator = viewerOf(request);
    const [verifications, flags] = await Promise.all([
      verification.queue({ status: 'pending', limit: QUEUE_SIZE, audit: auditContextOf(request) }),
      moderation.queue({ moderator, status: 'open' }),
    ]);
    const done = (request.query as { done?: string }).done;
    return renderPage(
      request,
      reply,
      'moderation',
      { title: 'Moderation', nav: 'moderation', verifications, flags, specialtyOptions, done, formErrors: {}, ...data },
      status,
    );
  }

  app.get('/moderation', guarded, async (request, reply) => renderQueue(request, reply));

  app.post('/moderation/verifications/:id', posting, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const form = formOf(request);
    const decision = textField(form, 'decision') === 'reject' ? 'reject' : 'approve';
    const specialty = textField(form, 'specialty');
    const reason = textField(form, 'reason').trim();
    try {
      await verification.decide({
        moderatorId: viewerOf(request).userId,
        requestId: id,
        input: { decision, ...(specialty ? { specialty: specialty as never } : {}), ...(reason ? { reason } : {}) },
        audit: auditContextOf(request),
      });
      return seeOther(reply, `/moderation?done=${decision === 'approve' ? 'approved' : 'rejected'}`);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return renderQueue(request, reply, { formErrors: { [`v-${id}`]: sentence(error.message) } }, 422);
    }
  });

  app.post('/moderation/flags/:id', posting, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const form = formOf(request);
    const action = textField(form, 'action') === 'hide' ? 'hide' : 'dismiss';
    const reason = textField(form, 'reason').trim();
    if (!reason) return renderQueue(request, reply, { formErrors: { [`f-${id}`]: 'Give a reason; the author sees it when content is hidden.' } }, 422);
    await moderation.decide({ moderator: viewerOf(request), audit: auditContextOf(request), flagId: id, input: { action, reason } });
    return seeOther(reply, `/moderation?done=${action === 'hide' ? 'hidden' : 'dismissed'}`);
  });
}
