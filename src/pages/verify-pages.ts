import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../errors.js';
import { auditContextOf } from '../modules/audit/service.js';
import { canUseClinical } from '../modules/auth/policy.js';
import { presentOwnVerification } from '../modules/verification/presenters.js';
import { requireViewer, viewerOf } from '../plugins/session.js';
import { formOf, sentence, textField } from './forms.js';
import { renderPage, seeOther } from './render.js';

export async function verifyPages(app: FastifyInstance): Promise<void> {
  const { verification } = app.services;
  const guarded = { config: { page: true }, preHandler: requireViewer };

  async function renderVerify(request: FastifyRequest, reply: FastifyReply, data: Record<string, unknown> = {}, status = 200) {
    const viewer = viewerOf(request);
    const row = await verification.own({ userId: viewer.userId });
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
      await verification.submit({ userId: viewer.userId, input: submission, audit: auditContextOf(request) });
      return seeOther(reply, '/verify');
    } catch (error) {
      if (!(error instanceof ValidationError) || error.field === null) throw error;
      const errors = { [error.field]: sentence(error.message) };
      return renderVerify(request, reply, { values, errors, kind }, 422);
    }
  });
}
