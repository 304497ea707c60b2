import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, RateLimitedError } from '../errors.js';
import { databaseErrorOf, safeErrorForLog } from './safe-error.js';

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: unknown };
}

/** zod issue codes that mean "well-formed but breaks a rule" (422) rather than a bad shape (400). */
const RULE_ISSUES = new Set(['too_small', 'too_big', 'invalid_format', 'invalid_value', 'not_multiple_of', 'custom']);

const FASTIFY_CODES: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'the body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: 'the JSON body is empty' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'body_too_large', message: 'the body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'unsupported content type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_request', message: 'invalid content length' },
  FST_CSRF_INVALID_TOKEN: { status: 403, code: 'csrf_invalid', message: 'the form has expired; reload the page and try again' },
  FST_CSRF_MISSING_SECRET: { status: 403, code: 'csrf_invalid', message: 'the form has expired; reload the page and try again' },
};

export type ErrorRenderer = (
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  details?: unknown,
  /** The error that was thrown, for renderers that branch on its class. */
  error?: unknown,
) => FastifyReply;

/** The SPEC's JSON error body: `{"error":{"code","message","requestId","details"?}}`. */
export const sendError: ErrorRenderer = (request, reply, status, code, message, details) => {
  const body: ErrorBody = { error: { code, message, requestId: String(request.id) } };
  if (details !== undefined) body.error.details = details;
  return reply.code(status).type('application/json; charset=utf-8').send(body);
};

/** Renderers for non-JSON answers; the pages plugin sets `html` when it is registered. */
export interface ErrorRenderers {
  html: ErrorRenderer | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    errorRenderers: ErrorRenderers;
  }
  interface FastifyContextConfig {
    /** Set on server-rendered page routes: their errors are pages too. */
    page?: boolean;
  }
}

const MACHINE_PATHS = /^\/(api\/|ws$|healthz$)/;

/**
 * A page route's errors are pages; an unknown path is answered as a page to a browser (which
 * asks for text/html) and as JSON to everyone else. The API always answers JSON.
 */
export function wantsHtml(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0]!;
  if (MACHINE_PATHS.test(path)) return false;
  if (request.routeOptions.config?.page) return true;
  return String(request.headers.accept ?? '').includes('text/html');
}

/** What a failed request answers, decided in one place for the whole app. */
export function describeError(error: FastifyError | Error): {
  status: number;
  code: string;
  message: string;
  details?: unknown;
} {
  if (error instanceof AppError) {
    return { status: error.statusCode, code: error.code, message: error.message, details: error.details };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({
      path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
      code: v.keyword,
      message: v.message,
      where: (error as FastifyError).validationContext,
    }));
    const allRules = error.validation.every((v) => RULE_ISSUES.has(v.keyword));
    const first = issues[0]!;
    const where = first.path ? `${first.path}: ` : '';
    return {
      status: allRules ? 422 : 400,
      code: 'validation_failed',
      message: `${where}${first.message}`,
      details: first.path ? { field: first.path.split('.')[0], issues } : { issues },
    };
  }
  const fastifyCode = (error as FastifyError).code;
  const known = fastifyCode ? FASTIFY_CODES[fastifyCode] : undefined;
  if (known) return { status: known.status, code: known.code, message: known.message };
  const status = (error as FastifyError).statusCode;
  if (status === 429) return { status, code: 'rate_limited', message: 'too many requests; try again later' };
  if (status && status >= 400 && status < 500) {
    return { status, code: (fastifyCode ?? 'bad_request').toLowerCase(), message: error.message };
  }
  // SQLSTATE class 22 (data exception: a value the column cannot hold) is bad input that got
  // past a schema; it is still the client's request that is wrong, never a 500.
  if (databaseErrorOf(error)?.code.startsWith('22')) {
    return { status: 400, code: 'invalid_input', message: 'a value in the request cannot be stored' };
  }
  return { status: 500, code: 'internal_error', message: 'something went wrong on our side' };
}

/**
 * Maps every error to the SPEC's body. Pages register their own renderer for HTML requests
 * through `app.errorRenderers` — the status and code are still decided here.
 */
export const errorsPlugin = fp(async function errorsPlugin(app: FastifyInstance) {
  const renderers: ErrorRenderers = { html: null };
  app.decorate('errorRenderers', renderers);

  function answer(request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string, details?: unknown, error?: unknown) {
    if (renderers.html && wantsHtml(request)) return renderers.html(request, reply, status, code, message, details, error);
    return sendError(request, reply, status, code, message, details);
  }

  app.setErrorHandler(function handleError(error: FastifyError, request, reply) {
    const described = describeError(error);
    if (described.status >= 500) {
      request.log.error({ err: safeErrorForLog(error) }, 'request failed');
    } else {
      const sqlState = databaseErrorOf(error)?.code;
      request.log.info({ code: described.code, status: described.status, ...(sqlState ? { sqlState } : {}) }, 'request refused');
    }
    if (error instanceof RateLimitedError) reply.header('retry-after', String(error.retryAfter));
    return answer(request, reply, described.status, described.code, described.message, described.details, error);
  });

  app.setNotFoundHandler(function notFound(request, reply) {
    return answer(request, reply, 404, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`);
  });
});
