import type { FastifyRequest } from 'fastify';
import { z } from 'zod';

export type FormBody = Record<string, string | string[] | undefined>;

/** The urlencoded body of a page form (an empty object when there is none). */
export function formOf(request: FastifyRequest): FormBody {
  const body = request.body;
  return body && typeof body === 'object' ? (body as FormBody) : {};
}

/** One text value: the last of repeated fields, line endings as LF (browsers send CRLF). */
export function textField(form: FormBody, name: string): string {
  const raw = form[name];
  const value = Array.isArray(raw) ? raw.at(-1) : raw;
  return typeof value === 'string' ? value.replace(/\r\n?/g, '\n') : '';
}

export function listField(form: FormBody, name: string): string[] {
  const raw = form[name];
  if (raw === undefined) return [];
  return (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string');
}

/** zod issues as one message per top-level field, for display next to that field. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '_form');
    errors[field] ??= issue.message;
  }
  return errors;
}
