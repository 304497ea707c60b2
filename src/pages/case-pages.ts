import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { presentCase } from '../modules/cases/presenters.js';
import { createCaseBody, listCasesQuery } from '../modules/cases/schemas.js';
import { phiFindingsOf } from './phi-findings.js';
import { setFlash } from './flash.js';
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

const DAY_MS = 24 * 60 * 60 * 1000;

/** On the first page, today's urgent cases come before today's routine ones; older cases keep their order. */
export function urgentFirstToday<T extends { urgency: string; createdAt: string }>(items: T[], now: Date): T[] {
  const today = (item: T) => now.getTime() - new Date(item.createdAt).getTime() < DAY_MS;
  const rank = (item: T) => (today(item) ? (item.urgency === 'urgent' ? 0 : 1) : 2);
  return items.map((item, index) => ({ item, index })).sort((a, b) => rank(a.item) - rank(b.item) || a.index - b.index).map(({ item }) => item);
}

export async function casePages(app: FastifyInstance): Promise<void> {
  const { cases, replies: replyService } = app.services;
  const csrf = { preValidation: app.csrfProtection };
  const secure = app.deps.config.PUBLIC_ORIGIN.startsWith('https:');

  app.get('/cases', clinicalPage, async (request, reply) => {
    const viewer = viewerOf(request);
    const parsed = listCasesQuery.safeParse(request.query);
    const query = parsed.success ? parsed.data : listCasesQuery.parse({});
    const result = await cases.list({ viewer, query });
    const filters = { specialty: query.specialty ?? '', filter: query.filter || 'newest', q: query.q ?? '' };
    const pageUrl = (key: 'cursor' | 'before', cursor: string | null) =>
      cursor ? `/cases?${new URLSearchParams({ ...filters, [key]: cursor }).toString()}` : null;
    const filtered = Boolean(filters.specialty || filters.filter !== 'newest');
    const now = app.deps.clock.now();
    const items = result.items.map((row) => ({ ...presentCase(row, viewer), snippet: row.snippet }));
    return renderPage(request, reply, 'cases', {
      title: filters.q ? `Search: ${filters.q}` : 'Cases',
      nav: 'cases',
      cases: query.cursor || query.before || filters.q ? items : urgentFirstToday(items, now),
      now,
      values: filters,
      filtered,
      searching: Boolean(filters.q),
      invalidFilters: !parsed.success,
      nextUrl: pageUrl('cursor', result.nextCursor),
      prevUrl: pageUrl('before', result.prevCursor),
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

  app.get('/cases/new', clinicalPage, async (request, reply) => {
    // "Edit and post again": the author's own hidden case, copied into a new form.
    const from = (request.query as { from?: unknown }).from;
    if (typeof from === 'string' && from) {
      const viewer = viewerOf(request);
      const source = await replyService.thread({ viewer, caseId: from }).catch(() => null);
      if (source && source.case.authorId === viewer.userId && source.case.hiddenAt) {
        const c = presentCase(source.case, viewer);
        const values = { title: c.title, age: c.age === null ? '' : String(c.age), sex: c.sex, specialty: c.specialty, urgency: c.urgency, body: c.body, question: c.question };
        return renderNewCase(request, reply, { values, repostOf: { reason: source.case.hiddenReason } });
      }
    }
    return renderNewCase(request, reply, {});
  });

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
      setFlash(reply, app.deps.config.SESSION_SECRET, { tone: 'ok', text: 'Your case was posted. Colleagues in the specialty can answer now.', posted: 'case-new' }, secure);
      return seeOther(reply, `/cases/${created.id}`);
    } catch (error) {
      const findings = phiFindingsOf(error);
      if (!findings) throw error;
      return renderNewCase(request, reply, { values, phiFindings: findings, phiRefused: true }, 422);
    }
  });
}
