import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A one-time message carried across a post/redirect/get in a short-lived signed cookie: what
 * happened ("Marked solved"), or why an action was refused, shown on the thread the browser lands on.
 * It never carries case text; `posted` names the draft the browser may now drop.
 */
export interface Flash {
  tone: 'ok' | 'error' | 'info';
  text: string;
  /** The draft key of a form whose text the server has stored. */
  posted?: string;
}

export const FLASH_COOKIE = 'curbside_flash';

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`flash:${payload}`).digest('base64url');
}

export function setFlash(reply: FastifyReply, secret: string, flash: Flash, secure: boolean): void {
  const payload = Buffer.from(JSON.stringify(flash)).toString('base64url');
  reply.setCookie(FLASH_COOKIE, `${payload}.${sign(secret, payload)}`, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: 120 });
}

/** Reads and clears the flash; a forged or garbled one is ignored. */
export function takeFlash(request: FastifyRequest, reply: FastifyReply, secret: string): Flash | null {
  const raw = request.cookies[FLASH_COOKIE];
  if (!raw) return null;
  reply.clearCookie(FLASH_COOKIE, { path: '/' });
  const [payload, signature] = raw.split('.');
  if (!payload || !signature) return null;
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const flash = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Flash;
    if (typeof flash.text !== 'string' || !['ok', 'error', 'info'].includes(flash.tone)) return null;
    return { tone: flash.tone, text: flash.text.slice(0, 300), ...(typeof flash.posted === 'string' ? { posted: flash.posted.slice(0, 100) } : {}) };
  } catch {
    return null;
  }
}
