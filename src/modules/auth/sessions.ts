import type { DbOrTx } from '../../db/client.js';
import { ABSOLUTE_TIMEOUT_MS, IDLE_TIMEOUT_MS, type Viewer } from './session-types.js';
import { findSessionWithUser, insertSession, revokeSession, revokeUserSessions, touchSession } from './sessions-repo.js';
import { signSessionToken, verifySessionToken } from './tokens.js';
import { forgetSessions, type ViewerCache } from './viewer-cache.js';

/** Sliding the idle window on every request would write on every read; once a minute is enough. */
const TOUCH_INTERVAL_MS = 60 * 1000;

export interface StartedSession {
  sessionId: string;
  token: string;
  expiresAt: Date;
}

export async function startSession(
  db: DbOrTx,
  secret: string,
  userId: string,
  now: Date,
  meta: { ip: string | null; userAgent: string | null },
): Promise<StartedSession> {
  const expiresAt = new Date(now.getTime() + ABSOLUTE_TIMEOUT_MS);
  const sessionId = await insertSession(db, { userId, now, expiresAt, ...meta });
  return { sessionId, token: await signSessionToken(secret, sessionId, expiresAt), expiresAt };
}

/**
 * The viewer a token stands for, or null when the token is bad or the session is revoked,
 * idle for more than 30 minutes, or older than 12 hours. With a `cache` (see ViewerCache), a
 * session checked less than a minute ago is accepted without reading or writing its row.
 */
export async function authenticateToken(db: DbOrTx, secret: string, token: string, now: Date, cache?: ViewerCache): Promise<Viewer | null> {
  const at = now.getTime();
  const hit = cache?.get(token);
  if (hit && at < hit.expiresAt && at - hit.lastSeenAt < TOUCH_INTERVAL_MS && at >= hit.lastSeenAt) return hit.viewer;
  const generation = cache?.generation ?? 0;
  const sessionId = await verifySessionToken(secret, token, now);
  if (!sessionId) return null;
  const row = await findSessionWithUser(db, sessionId);
  if (!row || row.revokedAt) return null;
  if (now >= row.expiresAt) return null;
  if (at - row.lastSeenAt.getTime() >= IDLE_TIMEOUT_MS) return null;
  let lastSeenAt = row.lastSeenAt.getTime();
  if (at - lastSeenAt >= TOUCH_INTERVAL_MS) {
    await touchSession(db, sessionId, now);
    lastSeenAt = at;
  }
  const viewer: Viewer = {
    userId: row.userId,
    sessionId: row.sessionId,
    handle: row.handle,
    role: row.role,
    verification: row.verification,
    specialty: row.specialty,
  };
  cache?.set(token, { viewer, lastSeenAt, expiresAt: row.expiresAt.getTime() }, generation);
  return viewer;
}

export async function endSession(db: DbOrTx, sessionId: string, now: Date, reason = 'logout'): Promise<void> {
  await revokeSession(db, sessionId, now, reason);
  forgetSessions([sessionId]);
}

/** Revokes every live session of a user (suspension, password change); returns their ids. */
export async function endAllSessions(db: DbOrTx, userId: string, now: Date, reason: string): Promise<string[]> {
  const ids = await revokeUserSessions(db, userId, now, reason);
  forgetSessions(ids);
  return ids;
}
