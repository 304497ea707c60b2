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

/** A message a person understands, for one zod issue on a form field. */
function humanMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_small') return 'This field is required.';
  if (issue.code === 'too_big') return `This is too long: at most ${String(issue.maximum)} characters.`;
  if (issue.code === 'invalid_value' || issue.code === 'invalid_union') return 'Choose one of the options.';
  if (issue.code === 'invalid_type') return 'This field is required.';
  return issue.message;
}

/** zod issues as one message per top-level field, for display next to that field. */
export function fieldErrors(error: z.ZodError, messages: Record<string, string> = {}): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '_form');
    errors[field] ??= messages[field] ?? humanMessage(issue);
  }
  return errors;
}

/** `acknowledge` checkboxes carry "field:start:end"; anything else is dropped. */
export function acknowledgementsOf(form: FormBody): Array<{ field: string; start: number; end: number }> {
  return listField(form, 'acknowledge').flatMap((value) => {
    const match = /^([a-z]{1,40}):(\d{1,7}):(\d{1,7})$/.exec(value);
    return match ? [{ field: match[1]!, start: Number(match[2]), end: Number(match[3]) }] : [];
  });
}

/** A service's message as a sentence for a form: capital first letter, full stop. */
export function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1) + '.';
}
