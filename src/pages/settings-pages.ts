import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { followsBody, settingsBody } from '../modules/notifications/schemas.js';
import { getFollows, getSettings, putFollows, putSettings, setWatching, type InboxDeps } from '../modules/notifications/inbox.js';
import { requireClinician, viewerOf } from '../plugins/session.js';
import { formOf, listField, textField } from './forms.js';
import { specialtyOptions } from './labels.js';
import { renderPage, seeOther } from './render.js';

const clinicalPage = { config: { page: true }, preHandler: requireClinician };

/** /settings: notifications and follows (account security sections are added beside them). */
export async function settingsPages(app: FastifyInstance): Promise<void> {
  const deps: InboxDeps = { db: app.deps.database.db, clock: app.deps.clock, cases: app.services.cases };
  const csrf = { preValidation: app.csrfProtection };

  async function renderSettings(request: FastifyRequest, reply: FastifyReply, data: Record<string, unknown> = {}, status = 200) {
    const viewer = viewerOf(request);
    return renderPage(
      request,
      reply,
      'settings',
      {
        title: 'Settings',
        nav: 'settings',
        settings: await getSettings(deps, viewer),
        follows: await getFollows(deps, viewer),
        specialtyOptions,
        saved: (request.query as { saved?: string }).saved === '1',
        ...data,
      },
      status,
    );
  }

  app.get('/settings', clinicalPage, (request, reply) => renderSettings(request, reply));

  app.post('/settings/notifications', { ...clinicalPage, ...csrf }, async (request, reply) => {
    const form = formOf(request);
    const start = textField(form, 'quietStart').trim();
    const end = textField(form, 'quietEnd').trim();
    const parsed = settingsBody.safeParse({
      email: textField(form, 'email'),
      urgent: textField(form, 'urgent') === '1',
      quietHours: start && end ? { start, end } : null,
      timeZone: textField(form, 'timeZone').trim() || 'UTC',
    });
    if (!parsed.success) return renderSettings(request, reply, { errors: { _settings: 'Choose how to be e-mailed, and give quiet hours as two times like 22:00 and 07:00.' } }, 422);
    try {
      await putSettings(deps, viewerOf(request), parsed.data);
    } catch (error) {
      if (error instanceof AppError && error.statusCode === 422) return renderSettings(request, reply, { errors: { timeZone: error.message } }, 422);
      throw error;
    }
    return seeOther(reply, '/settings?saved=1#notifications');
  });

  app.post('/settings/follows', { ...clinicalPage, ...csrf }, async (request, reply) => {
    const form = formOf(request);
    const handlesText = textField(form, 'handles');
    const handles = handlesText.split('\n').map((h) => h.trim()).filter(Boolean);
    const parsed = followsBody.safeParse({ specialties: listField(form, 'specialties'), handles });
    if (!parsed.success) return renderSettings(request, reply, { handlesText, errors: { _follows: 'Pick specialties from the list and write one pseudonym a line.' } }, 422);
    try {
      await putFollows(deps, viewerOf(request), parsed.data);
    } catch (error) {
      if (error instanceof AppError && error.statusCode === 422) return renderSettings(request, reply, { handlesText, errors: { handles: error.message } }, 422);
      throw error;
    }
    return seeOther(reply, '/settings?saved=1#follows');
  });

  app.post('/cases/:id/watch', { ...clinicalPage, ...csrf }, async (request, reply) => {
    const caseId = (request.params as { id: string }).id;
    await setWatching(deps, viewerOf(request), caseId, textField(formOf(request), 'watch') === '1');
    return seeOther(reply, `/cases/${caseId}`);
  });
}
