import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../errors.js';
import { auditContextOf } from '../modules/audit/service.js';
import { canUseClinical } from '../modules/auth/policy.js';
import { presentOwnVerification } from '../modules/verification/presenters.js';
import { requireViewer, viewerOf } from '../plugins/session.js';
import { formOf, sentence, textField } from './forms.js';
import { isValidNpi } from '../domain/npi.js';
import { US_STATE_CODES } from '../modules/verification/us-states.js';
import { renderPage, seeOther } from './render.js';

type Kind = 'npi' | 'licence';
type Values = Record<string, string>;

/** Every problem with the form at once, so the applicant fixes them in one go. */
export function verificationFormErrors(kind: Kind, values: Values): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!values.firstName) errors.firstName = 'Enter your legal first name, as on your licence.';
  if (!values.lastName) errors.lastName = 'Enter your legal last name, as on your licence.';
  if (kind === 'npi') {
    if (!/^\d{10}$/.test(values.npi ?? '')) errors.npi = 'Enter your 10-digit NPI.';
    else if (!isValidNpi(values.npi!)) errors.npi = 'This is not a valid NPI: check the digits (the last one is a check digit).';
    if (!US_STATE_CODES.has(values.state ?? '')) errors.state = 'Enter the two-letter code of the state that licensed you, e.g. NY.';
  } else {
    if (!values.country) errors.country = 'Enter the country that licensed you.';
    if (!values.registry) errors.registry = 'Enter the registering body, e.g. GMC.';
    if (!values.licenceNumber) errors.licenceNumber = 'Enter your licence number.';
  }
  return errors;
}

const kindOf = (raw: unknown): Kind | null => (raw === 'npi' || raw === 'licence' ? raw : null);

export async function verifyPages(app: FastifyInstance): Promise<void> {
  const { verification } = app.services;
  const guarded = { config: { page: true }, preHandler: requireViewer };

  async function renderVerify(request: FastifyRequest, reply: FastifyReply, data: { kind?: Kind | null; values?: Values; errors?: Record<string, string> } = {}, status = 200) {
    const viewer = viewerOf(request);
    const row = await verification.own({ userId: viewer.userId });
    const previous = row ? presentOwnVerification(row) : null;
    // The form for the kind chosen (or used before); none chosen yet shows the choice first.
    const kind = data.kind ?? kindOf((request.query as { kind?: unknown }).kind) ?? (previous ? (previous.npi ? 'npi' : 'licence') : null);
    const values = data.values ?? (previous && viewer.verification === 'rejected' ? { ...previous } as unknown as Values : {});
    return renderPage(
      request,
      reply,
      'verify',
      {
        title: 'Verification',
        nav: 'verify',
        status: viewer.verification,
        verified: canUseClinical(viewer),
        request: previous,
        kind,
        values,
        errors: data.errors ?? {},
      },
      status,
    );
  }

  app.get('/verify', guarded, async (request, reply) => renderVerify(request, reply));

  app.post('/verify', { ...guarded, preValidation: app.csrfProtection }, async (request, reply) => {
    const viewer = viewerOf(request);
    const form = formOf(request);
    const kind: Kind = textField(form, 'kind') === 'licence' ? 'licence' : 'npi';
    const values = {
      npi: textField(form, 'npi').replace(/[\s-]/g, ''),
      state: textField(form, 'state').trim().toUpperCase(),
      country: textField(form, 'country').trim(),
      registry: textField(form, 'registry').trim(),
      licenceNumber: textField(form, 'licenceNumber').trim(),
      firstName: textField(form, 'firstName').trim(),
      lastName: textField(form, 'lastName').trim(),
    };
    const errors = verificationFormErrors(kind, values);
    if (Object.keys(errors).length > 0) return renderVerify(request, reply, { kind, values, errors }, 422);
    const submission =
      kind === 'npi'
        ? { npi: values.npi, state: values.state, firstName: values.firstName, lastName: values.lastName }
        : { country: values.country, registry: values.registry, licenceNumber: values.licenceNumber, firstName: values.firstName, lastName: values.lastName };
    try {
      await verification.submit({ userId: viewer.userId, input: submission, audit: auditContextOf(request) });
      return seeOther(reply, '/verify');
    } catch (error) {
      if (!(error instanceof ValidationError) || error.field === null) throw error;
      return renderVerify(request, reply, { kind, values, errors: { [error.field]: sentence(error.message) } }, 422);
    }
  });
}
