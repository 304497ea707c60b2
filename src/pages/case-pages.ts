import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AlreadyFlaggedError, PhiDetectedError } from '../errors.js';
import { presentCase } from '../modules/cases/presenters.js';
import { createCaseBody, listCasesQuery } from '../modules/cases/schemas.js';
import { presentReply } from '../modules/replies/presenters.js';
import { replyBody } from '../modules/replies/schemas.js';
import { requireClinician, viewerOf } from '../plugins/session.js';
import { acknowledgementsOf, fieldErrors, formOf, textField, type FormBody } from './forms.js';
import { filterOptions, sexOptions, specialtyOptions } from './labels.js';
import { renderPage, seeOther } from './render.js';

const clinicalPage = { config: { page: true }, preHandler: requireClinician };

/** Age in whole years or "90+"; anything else is left as text for the schema to refuse. */
function parseAge(raw: string): number | string {
  const value = raw.trim();
  if (/^\d{1,3}$/.test(value)) return Number(value);
  if (/^(90\+|>\s*89)$/.test(value)) return '90+';
  return value;
}

/**
 * The case form as the cases service expects it. Text is trimmed here so the offsets of PHI
 * findings refer to exactly the text shown back in the form (and scanned by the page script).
 */
function caseFormValues(form: FormBody) {
  return {
    title: textField(form, 'title').trim(),
    age: textField(form, 'age').trim(),
    sex: textField(form, 'sex'),
    specialty: textField(form, 'specialty'),
    urgency: textField(form, 'urgency') || 'routine',
    body: textField(form, 'body').trim(),
    question: textField(form, 'question').trim(),
  };
}

export async function casePages(app: FastifyInstance): Promise<void> {
  const { cases, replies: replyService, moderation } = app.services;
  const csrf = { preValidation: app.csrfProtection };

  app.get('/cases', clinicalPage, async (request, reply) => {
    const viewer = viewerOf(request);
    const parsed = listCasesQuery.safeParse(request.query);
    const query = parsed.success ? parsed.data : listCasesQuery.parse({});
    const result = await cases.list({ viewer, query });
    const filters = { specialty: query.specialty ?? '', filter: query.filter || 'newest', q: query.q ?? '' };
    let nextUrl: string | null = null;
    if (result.nextCursor) {
      const params = new URLSearchParams({ ...filters, cursor: result.nextCursor });
      nextUrl = `/cases?${params.toString()}`;
    }
    const filtered = Boolean(filters.specialty || filters.q || filters.filter !== 'newest');
    return renderPage(request, reply, 'cases', {
      title: filters.q ? `Search: ${filters.q}` : 'Cases',
      nav: 'cases',
      cases: result.items.map((row) => presentCase(row, viewer)),
      values: filters,
      filtered,
      invalidFilters: !parsed.success,
      nextUrl,
      specialtyOptions,
      filterOptions,
    });
  });

  function renderNewCase(request: FastifyRequest, reply: FastifyReply, data: Record<string, unknown>, status = 200) {
    return renderPage(
      request,
      reply,
      'case-new',
      { title: 'New case', nav: 'new', scripts: ['js/phi.js'], specialtyOptions, sexOptions, values: { urgency: 'routine' }, ...data },
      status,
    );
  }

  app.get('/cases/new', clinicalPage, async (request, reply) => renderNewCase(request, reply, {}));

  app.post('/cases', { ...clinicalPage, ...csrf }, async (request, reply) => {
    const viewer = viewerOf(request);
    const form = formOf(request);
    const values = caseFormValues(form);
    const acknowledge = acknowledgementsOf(form);
    const parsed = createCaseBody.safeParse({ ...values, age: parseAge(values.age), acknowledge });
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error, { age: 'Enter the age in whole years (0 to 130), or 90+.' });
      return renderNewCase(request, reply, { values, errors }, 422);
    }
    try {
      const created = await cases.create({ viewer, input: parsed.data });
      return seeOther(reply, `/cases/${created.id}`);
    } catch (error) {
      if (!(error instanceof PhiDetectedError)) throw error;
      return renderNewCase(request, reply, { values, phiFindings: error.findings, phiRefused: true }, 422);
    }
  });

  async function renderThread(request: FastifyRequest, reply: FastifyReply, caseId: string, data: Record<string, unknown> = {}, status = 200) {
    const viewer = viewerOf(request);
    const thread = await replyService.thread({ viewer, caseId });
    const kase = presentCase(thread.case, viewer, thread.acknowledgements);
    const replies = thread.replies.map((r) => presentReply(r, viewer, thread.acknowledgements));
    const lastSeq = replies.reduce((max, r) => Math.max(max, r.seq), 0);
    return renderPage(
      request,
      reply,
      'case',
      {
        title: kase.title,
        nav: 'cases',
        scripts: ['js/live.js', 'js/phi.js'],
        case: kase,
        replies,
        lastSeq,
        values: {},
        flagged: (request.query as { flagged?: string }).flagged === '1',
        ...data,
      },
      status,
    );
  }

  app.get('/cases/:id', clinicalPage, async (request, reply) => {
    return renderThread(request, reply, (request.params as { id: string }).id);
  });

  app.post('/cases/:id/replies', { ...clinicalPage, ...csrf }, async (request, reply) => {
    const viewer = viewerOf(request);
    const caseId = (request.params as { id: string }).id;
    const form = formOf(request);
    const values = { body: textField(form, 'body').trim() };
    const parsed = replyBody.safeParse({ ...values, acknowledge: acknowledgementsOf(form) });
    if (!parsed.success) return renderThread(request, reply, caseId, { values, errors: fieldErrors(parsed.error) }, 422);
    try {
      const created = await replyService.create({ viewer, caseId, input: parsed.data });
      return seeOther(reply, `/cases/${caseId}#reply-${created.id}`);
    } catch (error) {
      if (!(error instanceof PhiDetectedError)) throw error;
      return renderThread(request, reply, caseId, { values, phiFindings: error.findings, phiRefused: true }, 422);
    }
  });

  app.post('/cases/:id/flags', { ...clinicalPage, ...csrf }, async (request, reply) => {
    const viewer = viewerOf(request);
    const caseId = (request.params as { id: string }).id;
    const form = formOf(request);
    const targetType = textField(form, 'targetType') === 'reply' ? 'reply' : 'case';
    const targetId = targetType === 'case' ? caseId : textField(form, 'targetId');
    const reason = textField(form, 'reason').trim().slice(0, 1000);
    if (!reason) return renderThread(request, reply, caseId, { flagError: 'Say briefly why this should be reviewed.' }, 422);
    try {
      await moderation.flag({ viewer, input: { targetType, targetId, reason } });
    } catch (error) {
      if (!(error instanceof AlreadyFlaggedError)) throw error;
    }
    return seeOther(reply, `/cases/${caseId}?flagged=1`);
  });
}
