import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { auditContextOf } from '../modules/audit/service.js';
import { canModerate, canUseClinical } from '../modules/auth/policy.js';
import { loginBody, registerBody } from '../modules/auth/schemas.js';
import { login, logout, register, type AuthDeps, type ClientMeta } from '../modules/auth/service.js';
import type { Viewer } from '../modules/auth/session-types.js';
import { clearSessionCookie, setSessionCookie } from '../plugins/session.js';
import { fieldErrors, formOf, textField } from './forms.js';
import { safeNext } from './paths.js';
import { renderPage, seeOther } from './render.js';

const page = { page: true };

/** Where a signed-in user starts: the cases, or the verification status while not verified. */
export function homeFor(viewer: Viewer | null): string {
  if (canUseClinical(viewer)) return '/cases';
  if (canModerate(viewer)) return '/moderation';
  return '/verify';
}

function clientMeta(request: FastifyRequest): ClientMeta {
  const agent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof agent === 'string' ? agent.slice(0, 512) : null };
}

/** Field for each rule the identity service names, so its message shows next to that input. */
const REGISTER_FIELDS: Record<string, string> = {
  password_too_short: 'password',
  password_too_long: 'password',
  password_too_common: 'password',
  email_taken: 'email',
};

/** Landing page with the login form, registration and logout. */
export async function sessionPages(app: FastifyInstance): Promise<void> {
  const { database, config, clock } = app.deps;
  const authDeps: AuthDeps = { db: database.db, secret: config.SESSION_SECRET, now: () => clock.now() };
  const limits = { maxFailures: config.RATE_LIMIT_LOGIN_FAILURES, slowdownStepMs: config.LOGIN_SLOWDOWN_MS };
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
    const retry = (message: string, status: number) =>
      renderPage(request, reply, 'home', { title: 'Log in', nav: 'login', next, values, errors: { _form: message } }, status);
    if (!parsed.success || !parsed.data.email || !parsed.data.password) return retry('Enter your email and password.', 422);
    try {
      const { user, session } = await login(authDeps, parsed.data, clientMeta(request), limits);
      setSessionCookie(app, reply, session);
      const viewer = { role: user.role, verification: user.verification } as Viewer;
      return seeOther(reply, canUseClinical(viewer) ? next : homeFor(viewer));
    } catch (error) {
      if (error instanceof AppError && error.statusCode === 401) return retry('The email or password is not correct.', 401);
      if (error instanceof AppError && error.statusCode === 429) {
        reply.header('retry-after', String((error as AppError & { retryAfterSeconds?: number }).retryAfterSeconds ?? 60));
        return retry('Too many failed attempts. Wait a few minutes and try again.', 429);
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
    const parsed = registerBody.safeParse({ email: values.email, password: textField(form, 'password') });
    if (!parsed.success) return retry(fieldErrors(parsed.error, { email: 'Enter an email address, like name@example.org.' }));
    try {
      const { session } = await register(authDeps, parsed.data, clientMeta(request), auditContextOf(request));
      setSessionCookie(app, reply, session);
      return seeOther(reply, '/verify');
    } catch (error) {
      const field = error instanceof AppError ? REGISTER_FIELDS[error.code] : undefined;
      if (!field) throw error;
      const message = (error as Error).message;
      return retry({ [field]: message.charAt(0).toUpperCase() + message.slice(1) + '.' });
    }
  });

  app.post('/logout', { config: page, ...csrf }, async (request, reply) => {
    if (request.viewer) await logout(authDeps, request.viewer.sessionId);
    clearSessionCookie(app, reply);
    return seeOther(reply, '/');
  });
}
