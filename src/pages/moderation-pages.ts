import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { auditContextOf } from '../modules/audit/service.js';
import { decideFlag, listFlagQueue, type FlagsDeps } from '../modules/flags/service.js';
import { decideVerification, verificationQueue, type VerificationDeps } from '../modules/verification/service.js';
import { requireModerator, viewerOf } from '../plugins/session.js';
import { formOf, textField } from './forms.js';
import { specialtyOptions } from './labels.js';
import { renderPage, seeOther } from './render.js';

const QUEUE_SIZE = 100;

/** The moderators' page: verification requests with their evidence, and flagged content. */
export async function moderationPages(app: FastifyInstance): Promise<void> {
  const verificationDeps: VerificationDeps = { db: app.deps.database.db, now: () => app.deps.clock.now() };
  const flagsDeps: FlagsDeps = { db: app.deps.database.db, clock: app.deps.clock };
  const guarded = { config: { page: true }, preHandler: requireModerator };
  const posting = { ...guarded, preValidation: app.csrfProtection };

  async function renderQueue(request: FastifyRequest, reply: FastifyReply, data: Record<string, unknown> = {}, status = 200) {
    const moderator = viewerOf(request);
    const [verifications, flags] = await Promise.all([
      verificationQueue(verificationDeps, 'pending', QUEUE_SIZE, auditContextOf(request)),
      listFlagQueue(flagsDeps, moderator, 'open'),
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
      await decideVerification(
        verificationDeps,
        viewerOf(request).userId,
        id,
        { decision, ...(specialty ? { specialty: specialty as never } : {}), ...(reason ? { reason } : {}) },
        auditContextOf(request),
      );
      return seeOther(reply, `/moderation?done=${decision === 'approve' ? 'approved' : 'rejected'}`);
    } catch (error) {
      if (!(error instanceof AppError) || error.statusCode !== 422) throw error;
      const message = error.message.charAt(0).toUpperCase() + error.message.slice(1) + '.';
      return renderQueue(request, reply, { formErrors: { [`v-${id}`]: message } }, 422);
    }
  });

  app.post('/moderation/flags/:id', posting, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const form = formOf(request);
    const action = textField(form, 'action') === 'hide' ? 'hide' : 'dismiss';
    const reason = textField(form, 'reason').trim();
    if (!reason) return renderQueue(request, reply, { formErrors: { [`f-${id}`]: 'Give a reason; the author sees it when content is hidden.' } }, 422);
    await decideFlag(flagsDeps, viewerOf(request), auditContextOf(request), id, { action, reason });
    return seeOther(reply, `/moderation?done=${action === 'hide' ? 'hidden' : 'dismissed'}`);
  });
}
