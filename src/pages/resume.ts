import type { FastifyRequest } from 'fastify';
import { listField, type FormBody } from './forms.js';
import { safeNext } from './paths.js';

/**
 * A post refused because the session ended keeps its text: the login form carries it (hidden,
 * never in a URL or a log), and after logging in the same form comes back filled in.
 */
export interface HeldPost {
  /** Where the form posts. */
  action: string;
  /** The page the form lives on, to go back to. */
  back: string;
  fields: Array<{ name: string; value: string }>;
}

const MAX_HELD = 64 * 1024;
const SKIPPED = new Set(['_csrf', 'acknowledge', 'password']);

/** The page a form posted to `path` lives on. */
export function pageOfPost(path: string): string {
  const url = path.split('?')[0]!.split('#')[0]!;
  if (url === '/cases') return '/cases/new';
  const thread = /^\/cases\/([^/]+)\/replies(?:\/[^/]+\/[a-z]+)?$/.exec(url) ?? /^\/cases\/([^/]+)\/[a-z]+$/.exec(url);
  if (thread) return `/cases/${thread[1]}`;
  if (url === '/verify') return '/verify';
  return '/cases';
}

export function holdPost(request: FastifyRequest, form: FormBody): HeldPost | null {
  const fields: HeldPost['fields'] = [];
  for (const name of Object.keys(form)) {
    if (SKIPPED.has(name)) continue;
    for (const value of listField(form, name)) fields.push({ name, value });
  }
  if (fields.length === 0) return null;
  const action = safeNext(request.url, '');
  if (!action) return null;
  const held = { action, back: pageOfPost(action), fields };
  return JSON.stringify(held).length > MAX_HELD ? null : held;
}

/** The held post from the login form's hidden field; anything malformed is dropped. */
export function parseHeldPost(raw: string): HeldPost | null {
  if (!raw || raw.length > MAX_HELD * 2) return null;
  try {
    const held = JSON.parse(raw) as HeldPost;
    const action = safeNext(held.action, '');
    if (!action || !Array.isArray(held.fields)) return null;
    const fields = held.fields
      .filter((f) => f && typeof f.name === 'string' && typeof f.value === 'string' && !SKIPPED.has(f.name) && /^[A-Za-z]{1,40}$/.test(f.name))
      .slice(0, 50);
    return { action, back: pageOfPost(action), fields };
  } catch {
    return null;
  }
}

const TEXT_LABELS: Record<string, string> = { title: 'Title', body: 'Text', question: 'Your question', outcome: 'Outcome', reason: 'Reason' };

/** The resumed form: long text in textareas to check, the rest carried as it was. */
export function resumeFields(held: HeldPost) {
  return held.fields.map((f, index) => ({
    ...f,
    id: `resume-${index}`,
    label: TEXT_LABELS[f.name] ?? null,
    multiline: f.name !== 'title' && f.name in TEXT_LABELS,
  }));
}
