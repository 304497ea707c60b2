import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AlreadyFlaggedError, AppError } from '../errors.js';
import { auditContextOf } from '../modules/audit/service.js';
import { editCaseBody, outcomeBody } from '../modules/cases/schemas.js';
import { replyBody } from '../modules/replies/schemas.js';
import { requireClinician, viewerOf } from '../plugins/session.js';
import { setFlash } from './flash.js';
import { acknowledgementsOf, fieldErrors, formOf, sentence, textField } from './forms.js';
import { phiFindingsOf } from './phi-findings.js';
import { seeOther } from './render.js';
import type { ThreadPages } from './thread-pages.js';

const posting = { config: { page: true }, preHandler: requireClinician };

type Params = { id: string; replyId?: string };

/**
 * Every action of a thread as a plain form: POST, then 303 back to the thread at the anchor of
 * what changed, with a one-line message. A refusal the author must fix in the text (too long,
 * PHI) shows the thread again with that form open, its values and its errors; any other refusal
 * (the edit window closed, a reply hidden meanwhile) comes back as the message.
 */
export async function threadActionPages(app: FastifyInstance, threads: ThreadPages): Promise<void> {
  const { cases, replies, moderation } = threads.services;
  const opts = { ...posting, preValidation: app.csrfProtection };
  const secret = app.deps.config.SESSION_SECRET;
  const secure = app.deps.config.PUBLIC_ORIGIN.startsWith('https:');

  /** Runs an action; a refusal with a meaning becomes a message at the anchor instead of an error page. */
  async function act(reply: FastifyReply, caseId: string, anchor: string, done: string, action: () => Promise<unknown>): Promise<FastifyReply> {
    try {
      await action();
      return threads.backTo(reply, caseId, anchor, { tone: 'ok', text: done });
    } catch (error) {
      if (error instanceof AppError && error.statusCode < 500 && error.statusCode !== 404 && error.statusCode !== 401) {
        return threads.backTo(reply, caseId, anchor, { tone: 'error', text: sentence(error.message) });
      }
      throw error;
    }
  }

  const bool = (request: FastifyRequest, name: string) => {
    const value = textField(formOf(request), name);
    return value === 'true' ? true : value === 'false' ? false : undefined;
  };

  app.post('/cases/:id/solved', opts, async (request, reply) => {
    const { id } = request.params as Params;
    const solved = bool(request, 'solved');
    return act(reply, id, 'case', solved === false ? 'The case is open again.' : 'The case is marked solved.', () => cases.setSolved({ viewer: viewerOf(request), caseId: id, solved }));
  });

  app.post('/cases/:id/outcome', opts, async (request, reply) => {
    const { id } = request.params as Params;
    const form = formOf(request);
    const values = { outcome: textField(form, 'outcome').trim() };
    const parsed = outcomeBody.safeParse({ ...values, acknowledge: acknowledgementsOf(form) });
    if (!parsed.success) return threads.renderThread(request, reply, id, { outcome: { values, errors: fieldErrors(parsed.error) } }, 422);
    try {
      await cases.setOutcome({ viewer: viewerOf(request), caseId: id, input: parsed.data });
      return threads.backTo(reply, id, 'outcome', { tone: 'ok', text: 'The outcome is saved. Colleagues who replied will see it.', posted: `outcome:${id}` });
    } catch (error) {
      const findings = phiFindingsOf(error);
      if (findings) return threads.renderThread(request, reply, id, { outcome: { values, phiFindings: findings } }, 422);
      return act(reply, id, 'case', '', () => Promise.reject(error));
    }
  });

  app.post('/cases/:id/edit', opts, async (request, reply) => {
    const { id } = request.params as Params;
    const form = formOf(request);
    const values = {
      title: textField(form, 'title').trim(),
      body: textField(form, 'body').trim(),
      question: textField(form, 'question').trim(),
      urgency: textField(form, 'urgency') || 'routine',
    };
    const parsed = editCaseBody.safeParse({ ...values, acknowledge: acknowledgementsOf(form) });
    if (!parsed.success) return threads.renderThread(request, reply, id, { 'case-edit': { values, errors: fieldErrors(parsed.error) } }, 422);
    try {
      await cases.edit({ viewer: viewerOf(request), caseId: id, input: parsed.data });
      return threads.backTo(reply, id, 'case', { tone: 'ok', text: 'Your changes are saved.' });
    } catch (error) {
      const findings = phiFindingsOf(error);
      if (findings) return threads.renderThread(request, reply, id, { 'case-edit': { values, phiFindings: findings } }, 422);
      return act(reply, id, 'case', '', () => Promise.reject(error));
    }
  });

  app.post('/cases/:id/delete', opts, async (request, reply) => {
    const { id } = request.params as Params;
    try {
      await cases.remove({ viewer: viewerOf(request), audit: auditContextOf(request), caseId: id });
    } catch (error) {
      return act(reply, id, 'case', '', () => Promise.reject(error));
    }
    setFlash(reply, secret, { tone: 'ok', text: 'The case was deleted.' }, secure);
    return seeOther(reply, '/cases');
  });

  app.post('/cases/:id/replies/:replyId/vote', opts, async (request, reply) => {
    const { id, replyId } = request.params as Required<Params>;
    const voted = bool(request, 'voted');
    return act(reply, id, `reply-${replyId}`, voted === false ? 'Your upvote is withdrawn.' : 'You upvoted the reply.', () => replies.vote({ viewer: viewerOf(request), replyId, voted }));
  });

  app.post('/cases/:id/replies/:replyId/helpful', opts, async (request, reply) => {
    const { id, replyId } = request.params as Required<Params>;
    const helpful = bool(request, 'helpful');
    return act(reply, id, `reply-${replyId}`, helpful === false ? 'The reply is no longer marked helpful.' : 'The reply is marked helpful.', () =>
      replies.markHelpful({ viewer: viewerOf(request), replyId, helpful }),
    );
  });

  app.post('/cases/:id/replies/:replyId/edit', opts, async (request, reply) => {
    const { id, replyId } = request.params as Required<Params>;
    const form = formOf(request);
    const values = { body: textField(form, 'body').trim() };
    const key = `reply-edit-${replyId}`;
    const parsed = replyBody.safeParse({ ...values, acknowledge: acknowledgementsOf(form) });
    if (!parsed.success) return threads.renderThread(request, reply, id, { [key]: { values, errors: fieldErrors(parsed.error) } }, 422);
    try {
      await replies.edit({ viewer: viewerOf(request), replyId, input: parsed.data });
      return threads.backTo(reply, id, `reply-${replyId}`, { tone: 'ok', text: 'Your reply is updated.' });
    } catch (error) {
      const findings = phiFindingsOf(error);
      if (findings) return threads.renderThread(request, reply, id, { [key]: { values, phiFindings: findings } }, 422);
      return act(reply, id, `reply-${replyId}`, '', () => Promise.reject(error));
    }
  });

  app.post('/cases/:id/replies/:replyId/delete', opts, async (request, reply) => {
    const { id, replyId } = request.params as Required<Params>;
    return act(reply, id, 'replies-heading', 'The reply was deleted.', () => replies.remove({ viewer: viewerOf(request), audit: auditContextOf(request), replyId }));
  });

  app.post('/cases/:id/flags', opts, async (request, reply) => {
    const { id } = request.params as Params;
    const form = formOf(request);
    const targetType = textField(form, 'targetType') === 'reply' ? 'reply' : 'case';
    const targetId = targetType === 'case' ? id : textField(form, 'targetId');
    const anchor = targetType === 'case' ? 'case' : `reply-${targetId}`;
    const values = { reason: textField(form, 'reason').trim() };
    const key = targetType === 'case' ? 'flag-case' : `flag-${targetId}`;
    if (!values.reason || values.reason.length > 1000) {
      const message = values.reason ? 'Keep the reason under 1000 characters.' : 'Say briefly what is wrong, so the moderator knows what to look for.';
      return threads.renderThread(request, reply, id, { [key]: { values, errors: { reason: message } } }, 422);
    }
    try {
      await moderation.flag({ viewer: viewerOf(request), input: { targetType, targetId, reason: values.reason } });
    } catch (error) {
      if (error instanceof AlreadyFlaggedError) {
        return threads.backTo(reply, id, anchor, { tone: 'info', text: `You have already reported this ${targetType}; a moderator will look at it.` });
      }
      throw error;
    }
    return threads.backTo(reply, id, anchor, { tone: 'ok', text: `Thank you. A moderator will review the ${targetType}.` });
  });

  app.post('/cases/:id/moderate', { ...opts }, async (request, reply) => {
    const { id } = request.params as Params;
    const form = formOf(request);
    const type = textField(form, 'targetType') === 'reply' ? 'reply' : 'case';
    const targetId = type === 'case' ? id : textField(form, 'targetId');
    const restore = textField(form, 'action') === 'restore';
    const anchor = type === 'case' ? 'case' : `reply-${targetId}`;
    const values = { reason: textField(form, 'reason').trim() };
    const key = type === 'case' ? 'moderate-case' : `moderate-${targetId}`;
    if (!values.reason || values.reason.length > 1000) {
      return threads.renderThread(request, reply, id, { [key]: { values, errors: { reason: 'Give a reason of up to 1000 characters: it goes to the audit log, and the author sees it.' } } }, 422);
    }
    const ref = { type, id: targetId } as const;
    const verb = restore ? 'restored' : 'hidden';
    return act(reply, id, anchor, `The ${type} is ${verb}.`, () =>
      restore
        ? moderation.restore({ moderator: viewerOf(request), audit: auditContextOf(request), ref, reason: values.reason })
        : moderation.hide({ moderator: viewerOf(request), audit: auditContextOf(request), ref, reason: values.reason }),
    );
  });
}
