import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** Cookie header value from a response's set-cookie lines, merged over an earlier one. */
export function mergeCookies(previous: string | undefined, res: LightMyRequestResponse): string {
  const jar = new Map<string, string>();
  for (const part of (previous ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name) jar.set(name, rest.join('='));
  }
  for (const c of res.cookies as Array<{ name: string; value: string; expires?: Date; maxAge?: number }>) {
    if (c.value === '' || (c.expires && c.expires.getTime() < Date.now()) || c.maxAge === 0) jar.delete(c.name);
    else jar.set(c.name, c.value);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** The form token of a rendered page. */
export function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1]!;
}

export interface PageVisit {
  res: LightMyRequestResponse;
  html: string;
  /** Cookie header to send next (the session plus the CSRF secret). */
  cookie: string;
  token: string | null;
}

/** GETs a page as a browser would (accept text/html), keeping cookies. */
export async function visit(app: FastifyInstance, url: string, cookie?: string): Promise<PageVisit> {
  const res = await app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) } });
  const html = res.body;
  const tokenMatch = /name="_csrf" value="([^"]+)"/.exec(html);
  return { res, html, cookie: mergeCookies(cookie, res), token: tokenMatch ? tokenMatch[1]! : null };
}

/** POSTs an urlencoded form as a browser would. */
export async function submit(
  app: FastifyInstance,
  url: string,
  fields: Record<string, string | string[]>,
  cookie?: string,
): Promise<LightMyRequestResponse & { nextCookie: string }> {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
  }
  const res = await app.inject({
    method: 'POST',
    url,
    headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    payload: body.toString(),
  });
  return Object.assign(res, { nextCookie: mergeCookies(cookie, res) });
}

export function titleOf(html: string): string | null {
  return /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? null;
}
