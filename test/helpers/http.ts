import type { LightMyRequestResponse } from 'fastify';
import { SESSION_COOKIE } from '../../src/modules/auth/session-types.js';

/** The `cookie` header value for the session cookie a response set, or undefined. */
export function sessionCookieFrom(res: LightMyRequestResponse): string | undefined {
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE && c.value);
  return cookie ? `${SESSION_COOKIE}=${cookie.value}` : undefined;
}

/** A password that passes every rule, different on each call. */
let counter = 0;
export function goodPassword(): string {
  counter += 1;
  return `violet-harbour-${counter}-lantern`;
}
