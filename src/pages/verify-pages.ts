import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { auditContextOf } from '../modules/audit/service.js';
import { canUseClinical } from '../modules/auth/policy.js';
import { presentOwnVerification } from '../modules/verification/presenters.js';
import { ownVerification, submitVerification, type VerificationDeps } from '../modules/verification/service.js';
import { requireViewer, viewerOf } from '../plugins/session.js';
import { formOf, textField } from './forms.js';
import { renderPage, seeOther } from './render.js';

/** The verification service names the field in `details.field` (snake case) or in its code. */
const FIELD_OF: Record<string, string> = {
  invalid_npi: 'npi',
  invalid_state: 'state',
  first_name_required: 'firstName',
  last_name_required: 'lastName',
  country_required: 'country',
  registry_required: 'registry',
  licence_number_required: 'licenceNumber',
};

export async function verifyPages(app: FastifyInstance): Promise<void> {
  const deps: VerificationDeps = { db: app.deps.database.db, now: () => app.deps.clock.now() };
  const guarded = { config: { page: true }, preHandler: requireViewer };

  async function renderVerify(request: FastifyRequest, reply: FastifyReply, data: Record<string, unknown> = {}, status = 200) {
    const viewer = viewerOf(request);
    const row = await ownVerification(deps, viewer.userId);
    return renderPage(
      request,
      reply,
      'verify',
      {
        title: 'Verification',
        nav: 'verify',
        status: viewer.verification,
        verified: canUseClinical(viewer),
        request: row ? presentOwnVerification(row) : null,
        kind: 'npi',
        ...data,
      },
      status,
    );
  }

  app.get('/verify', guarded, async (request, reply) => renderVerify(request, reply));

  app.post('/verify', { ...guarded, preValidation: app.csrfProtection }, async (request, reply) => {
    const viewer = viewerOf(request);
    const form = formOf(request);
    const kind = textField(form, 'kind') === 'licence' ? 'licence' : 'npi';
    const values = {
      kind,
      npi: textField(form, 'npi').trim(),
      state: textField(form, 'state').trim().toUpperCase(),
      country: textField(form, 'country').trim(),
      registry: textField(form, 'registry').trim(),
      licenceNumber: textField(form, 'licenceNumber').trim(),
      firstName: textField(form, 'firstName').trim(),
      lastName: textField(form, 'lastName').trim(),
    };
    const submission =
      kind === 'npi'
        ? { npi: values.npi, state: values.state, firstName: values.firstName, lastName: values.lastName }
        : { country: values.country, registry: values.registry, licenceNumber: values.licenceNumber, firstName: values.firstName, lastName: values.lastName };
    try {
      await submitVerification(deps, viewer.userId, submission, auditContextOf(request));
      return seeOther(reply, '/verify');
    } catch (error) {
      const field = error instanceof AppError ? FIELD_OF[error.code] : undefined;
      if (!field) throw error;
      const message = (error as Error).message;
      const errors = { [field]: message.charAt(0).toUpperCase() + message.slice(1) + '.' };
      return renderVerify(request, reply, { values, errors, kind }, 422);
    }
  });
}
