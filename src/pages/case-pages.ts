import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { presentCase, presentReply } from '../modules/cases/presenters.js';
import { createCaseBody, listCasesQuery, outcomeBody, replyBody } from '../modules/cases/schemas.js';
import { createCase, createReply, getThread, listCases, setOutcome, type CasesDeps } from '../modules/cases/service.js';
import { watching } from '../modules/notifications/inbox.js';
import { createFlag } from '../modules/flags/service.js';
import { casesDepsOf } from '../modules/cases/routes.js';
import { requireClinician, viewerOf } from '../plugins/session.js';
import { acknowledgementsOf, fieldErrors, formOf, textField, type FormBody } from './forms.js';
import { filterOptions, sexOptions, specialtyOptions } from './labels.js';
import { renderPage, seeOther } from './render.js';

const clinicalPage = { config: { page: true }, preHandler: requireClinician };

interface PhiFinding {
  field: string;
  start: number;
  end: number;
  type: string;
  text: string;
  acknowledged?: boolean;
}

/** The findings of a 422 phi_detected refusal, or null for any other error. */
function phiFindingsOf(error: unknown): PhiFinding[] | null {
  if (!(error instanceof AppError) || error.code !== 'phi_detected') return null;
  const details = error.details as { findings?: PhiFinding[] } | undefined;
  return details?.findings ?? [];
}

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
  const deps: CasesDeps = casesDepsOf(app);
  const csrf = { preValidation: app.csrfProtection };

  app.get('/cases', clinicalPage, async (request, reply) => {
    const viewer = viewerOf(request);
    const parsed = listCasesQuery.safeParse(request.query);
    const query = parsed.success ? parsed.data : listCasesQuery.parse({});
    const result = await listCases(deps, viewer, query);
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
      const created = await createCase(deps, viewer, parsed.data);
      return seeOther(reply, `/cases/${created.id}`);
    } catch (error) {
      const findings = phiFindingsOf(error);
      if (!findings) throw error;
      return renderNewCase(request, reply, { values, phiFindings: findings, phiRefused: true }, 422);
    }
  });

  async function renderThread(request: FastifyRequest, reply: FastifyReply, caseId: string, data: Record<string, unknown> = {}, status = 200) {
    const viewer = viewerOf(request);
    const thread = await getThread(deps, viewer, caseId);
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
        watching: await watching(deps, viewer, thread.case.id),
        isAuthor: thread.case.authorId === viewer.userId,
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
      const created = await createReply(deps, viewer, caseId, parsed.data);
      return seeOther(reply, `/cases/${caseId}#reply-${created.id}`);
    } catch (error) {
      const findings = phiFindingsOf(error);
      if (!findings) throw error;
      return renderThread(request, reply, caseId, { values, phiFindings: findings, phiRefused: true }, 422);
    }
  });

  app.post('/cases/:id/outcome', { ...clinicalPage, ...csrf }, async (request, reply) => {
    const viewer = viewerOf(request);
    const caseId = (request.params as { id: string }).id;
    const form = formOf(request);
    const values = { outcome: textField(form, 'outcome').trim() };
    const parsed = outcomeBody.safeParse({ ...values, acknowledge: acknowledgementsOf(form) });
    if (!parsed.success) return renderThread(request, reply, caseId, { values, errors: fieldErrors(parsed.error) }, 422);
    try {
      await setOutcome(deps, viewer, caseId, parsed.data);
      return seeOther(reply, `/cases/${caseId}`);
    } catch (error) {
      const findings = phiFindingsOf(error);
      if (!findings) throw error;
      return renderThread(request, reply, caseId, { values, outcomePhiFindings: findings, outcomePhiRefused: true }, 422);
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
      await createFlag({ db: deps.db, clock: deps.clock }, viewer, { targetType, targetId, reason });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'already_flagged') throw error;
    }
    return seeOther(reply, `/cases/${caseId}?flagged=1`);
  });
}
