import { jwtVerify, SignJWT } from 'jose';

const ISSUER = 'curbside';
const AUDIENCE = 'curbside-session';

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** The token only names the server-side session row; the row decides whether it is valid. */
export async function signSessionToken(secret: string, sessionId: string, expiresAt: Date): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sessionId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key(secret));
}

/** Returns the session id, or null for any token that is forged, malformed or expired. */
export async function verifySessionToken(secret: string, token: string, now: Date): Promise<string | null> {
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      currentDate: now,
    });
    return typeof payload.sub === 'string' && /^[0-9a-f-]{36}$/.test(payload.sub) ? payload.sub : null;
  } catch {
    return null;
  }
}
