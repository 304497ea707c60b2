/**
 * The vocabulary shared by the writers of live events (cases, replies, moderation, sessions,
 * users) and their listeners (the live module, the viewer cache): the bus topics, the NOTIFY
 * channel each topic travels on, and the per-case event types. Both sides import it from here,
 * so a rename cannot split them. (The viewer-change trigger in migrations/0002_viewer_notify.sql
 * names its channel in SQL.)
 *
 * Only ids and counts travel: subscribers read the rows (and check who may see them)
 * themselves, so no case text ever reaches PostgreSQL's NOTIFY or a broker.
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
  /** For one user's sockets (`userId` set) or every socket: `{kind, id, userId?}`, e.g. a notification batch or a new case. */
  userEvents: 'user_events',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

const CHANNEL_PREFIX = 'curbside_';

/** The NOTIFY channel of a topic; NOTIFY is per database, so tests on their own database never cross. */
export const channelOf = (topic: string): string => `${CHANNEL_PREFIX}${topic}`;

/** The topic a NOTIFY channel carries (the inverse of channelOf). */
export const topicOf = (channel: string): string => channel.slice(CHANNEL_PREFIX.length);

/** Written by the viewer-change trigger of migrations/0002_viewer_notify.sql. */
export const VIEWER_CHANGED_CHANNEL = 'curbside_viewer_changed';

/** The types stored in the per-case event log. */
export const CASE_EVENT_TYPES = ['reply.created', 'reply.updated', 'case.updated'] as const;
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

/** What a subscriber is told when content it may no longer read was hidden or deleted. */
export const REMOVAL_EVENT_TYPES = ['reply.removed', 'case.removed'] as const;

/** What a case event carries: ids only, never text. Listeners load the content and check policy. */
export interface CaseEventNotice {
  caseId: string;
  seq: number;
  type: CaseEventType;
  replyId: string | null;
}
