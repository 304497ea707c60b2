import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ConflictError, InvalidCredentialsError, RateLimitedError, ValidationError } from '../errors.js';
import { auditContextOf } from '../modules/audit/service.js';
import { canModerate, canUseClinical } from '../modules/auth/policy.js';
import { assertPasswordAllowed } from '../modules/auth/passwords.js';
import { loginBody, registerBody } from '../modules/auth/schemas.js';
import { clientMeta } from '../modules/auth/routes.js';
import type { Viewer } from '../modules/auth/session-types.js';
import { clearSessionCookie, setSessionCookie } from '../plugins/session.js';
import { fieldErrors, formOf, sentence, textField } from './forms.js';
import { safeNext } from './paths.js';
import { parseHeldPost, resumeFields } from './resume.js';
import { renderPage, seeOther } from './render.js';

const page = { page: true };

/** Where a signed-in user starts: the cases, or the verification status while not verified. */
export function homeFor(viewer: Viewer | null): string {
  if (canUseClinical(viewer)) return '/cases';
  if (canModerate(viewer)) return '/moderation';
  return '/verify';
}

/** "14 minutes", "1 minute", "40 seconds": how long a throttled login must wait. */
export function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** Landing page with the login form, registration and logout. */
export async function sessionPages(app: FastifyInstance): Promise<void> {
  const { auth } = app.services;
  const csrf = { preValidation: app.csrfProtection };

  app.get('/', { config: page }, async (request, reply) => {
    const next = safeNext((request.query as { next?: unknown }).next);
    if (request.viewer) return seeOther(reply, canUseClinical(request.viewer) ? next : homeFor(request.viewer));
    const passwordReset = (request.query as { reset?: unknown }).reset === '1';
    return renderPage(request, reply, 'home', { title: 'Log in', nav: 'login', next, passwordReset });
  });

  app.post('/login', { config: page, ...csrf }, async (request, reply) => {
    const form = formOf(request);
    const next = safeNext(textField(form, 'next'));
    const values = { email: textField(form, 'email').trim() };
    const parsed = loginBody.safeParse({ email: values.email, password: textField(form, 'password') });
    const heldRaw = textField(form, 'held');
    const held = parseHeldPost(heldRaw);
    const retry = (message: string, status: number) =>
      renderPage(request, reply, 'home', { title: 'Log in', nav: 'login', next, values, expired: Boolean(held), held: held ? JSON.stringify(held) : '', errors: { _form: message } }, status);
    if (!parsed.success || !parsed.data.email || !parsed.data.password) return retry('Enter your email and password.', 422);
    try {
      const { user, session } = await auth.login({ input: parsed.data, meta: clientMeta(request), audit: auditContextOf(request) });
      setSessionCookie(app, reply, session);
      const viewer = { role: user.role, verification: user.verification } as Viewer;
      if (held && canUseClinical(viewer)) {
        // Back to the form that was refused, filled in; the user checks it and posts it.
        request.viewer = { ...viewer, userId: user.id, handle: user.handle } as Viewer;
        return renderPage(request, reply, 'resume', { title: 'Post again', held, fields: resumeFields(held) });
      }
      return seeOther(reply, canUseClinical(viewer) ? next : homeFor(viewer));
    } catch (error) {
      if (error instanceof InvalidCredentialsError) return retry('The email or password is not correct.', 401);
      if (error instanceof RateLimitedError) {
        reply.header('retry-after', String(error.retryAfter));
        return retry(`Too many failed attempts from here. Try again in ${waitText(error.retryAfter)}, or reset your password.`, 429);
      }
      throw error;
    }
  });

  app.get('/register', { config: page }, async (request, reply) => {
    if (request.viewer) return seeOther(reply, homeFor(request.viewer));
    return renderPage(request, reply, 'register', { title: 'Register', nav: 'register' });
  });

  app.post('/register', { config: page, ...csrf }, async (request, reply) => {
    const form = formOf(request);
    const values = { email: textField(form, 'email').trim() };
    const retry = (errors: Record<string, string>) =>
      renderPage(request, reply, 'register', { title: 'Register', nav: 'register', values, errors }, 422);
    const password = textField(form, 'password');
    const parsed = registerBody.safeParse({ email: values.email, password });
    // Every problem at once: the shape of both fields, then the password rules.
    const errors = parsed.success ? {} : fieldErrors(parsed.error, { email: 'Enter an email address, like name@example.org.' });
    if (!errors.password) {
      try {
        assertPasswordAllowed(password);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        errors.password = sentence(error.message);
      }
    }
    if (!parsed.success || Object.keys(errors).length > 0) return retry(errors);
    try {
      const { session } = await auth.register({ input: parsed.data, meta: clientMeta(request), audit: auditContextOf(request) });
      setSessionCookie(app, reply, session);
      return seeOther(reply, '/verify');
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof ConflictError)) throw error;
      const field = error.details?.field;
      if (typeof field !== 'string') throw error;
      return retry({ [field]: sentence(error.message) });
    }
  });

  app.post('/logout', { config: page, ...csrf }, async (request, reply) => {
    if (request.viewer) await auth.logout({ userId: request.viewer.userId, sessionId: request.viewer.sessionId, audit: auditContextOf(request) });
    clearSessionCookie(app, reply);
    return seeOther(reply, '/');
  });
}
