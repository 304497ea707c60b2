import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.js';

/**
 * C0 controls other than tab, LF and CR, DEL, and the C1 controls. NUL in particular cannot be
 * stored in PostgreSQL text at all; the others have no place in anything a person types.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

export class ControlCharacterError extends AppError {
  constructor(where: string) {
    super(400, 'control_characters', `${where} contains control characters (only tab, newline and carriage return are allowed)`, { path: where });
  }
}

/** The path of the first string (or key) holding a control character, or null. */
export function findControlCharacter(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return CONTROL.test(value) ? path : null;
  if (!value || typeof value !== 'object' || depth > 32) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findControlCharacter(value[i], `${path}[${i}]`, depth + 1);
      if (found) return found;
    }
    return null;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (CONTROL.test(key)) return path;
    const found = findControlCharacter(inner, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * One rule for text on every route, API and pages alike: refused with 400 before any schema
 * or handler sees it. Runs after the body is parsed (JSON or form), before validation.
 */
export const textInputPlugin = fp(async function textInputPlugin(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    const found =
      findControlCharacter(request.params, 'params') ??
      findControlCharacter(request.query, 'query') ??
      findControlCharacter(request.body, 'body');
    if (found) throw new ControlCharacterError(found);
  });
});
