/**
 * What travels on the live bus, by topic. Only ids and counts travel: subscribers read the rows
 * (and check who may see them) themselves, so no case text ever reaches the broker.
 */
export const TOPICS = {
  /** A case's event log grew: `{caseId, seq}`. */
  case: 'case',
  /** A session was revoked: `{sessionId}`; its sockets close with 4401. */
  session: 'session',
  /** A user's role, verification or suspension changed: `{userId}`; their sockets are re-checked. */
  user: 'user',
  /** A process's viewer count for a case: `{processId, caseId, viewers}`, repeated as a heartbeat. */
  presence: 'presence',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];
