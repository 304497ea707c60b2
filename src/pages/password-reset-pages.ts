import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { auditContextOf } from '../modules/audit/service.js';
import { confirmPasswordReset, requestPasswordReset } from '../modules/auth/password-reset.js';
import { resetConfirmBody, resetDepsOf } from '../modules/auth/password-reset-routes.js';
import { formOf, textField } from './forms.js';
import { renderPage, seeOther } from './render.js';

const page = { config: { page: true } };

/** /password-reset: ask for a link, then choose a new password from it. */
export async function passwordResetPages(app: FastifyInstance): Promise<void> {
  const deps = resetDepsOf(app as never);
  const csrf = { preValidation: app.csrfProtection };

  app.get('/password-reset', page, async (request, reply) => {
    const token = (request.query as { token?: unknown }).token;
    const valid = typeof token === 'string' && /^[A-Za-z0-9_-]{10,200}$/.test(token) ? token : null;
    return renderPage(request, reply, 'password-reset', { title: 'Reset your password', token: valid, sent: (request.query as { sent?: string }).sent === '1' });
  });

  app.post('/password-reset', { ...page, ...csrf }, async (request, reply) => {
    const email = textField(formOf(request), 'email').trim().slice(0, 254);
    if (email) await requestPasswordReset(deps, email, auditContextOf(request));
    return seeOther(reply, '/password-reset?sent=1');
  });

  app.post('/password-reset/confirm', { ...page, ...csrf }, async (request, reply) => {
    const form = formOf(request);
    const token = textField(form, 'token');
    const parsed = resetConfirmBody.safeParse({ token, newPassword: textField(form, 'newPassword') });
    const retry = (errors: Record<string, string>) => renderPage(request, reply, 'password-reset', { title: 'Reset your password', token, errors }, 422);
    if (!parsed.success) return retry({ _form: 'This reset link is not valid.' });
    try {
      await confirmPasswordReset(deps, parsed.data, auditContextOf(request));
    } catch (error) {
      if (error instanceof AppError && error.code === 'invalid_reset_token') return retry({ _form: 'This reset link is not valid any more.' });
      if (error instanceof AppError && error.statusCode === 422) return retry({ newPassword: error.message.charAt(0).toUpperCase() + error.message.slice(1) + '.' });
      throw error;
    }
    return seeOther(reply, '/?reset=1');
  });
}
