/**
 * The vocabulary shared by the writers of live events (cases, replies, moderation, sessions)
 * and their listeners (the live module, the viewer cache): the NOTIFY channel names and the
 * per-case event types. Both sides import it from here, so a rename cannot split them.
 * (The viewer-change trigger in migrations/0002_viewer_notify.sql names its channel in SQL.)
 */
export const CASE_EVENTS_CHANNEL = 'curbside_case_events';
export const SESSION_REVOKED_CHANNEL = 'curbside_session_revoked';
export const PRESENCE_CHANNEL = 'curbside_presence';
export const VIEWER_CHANGED_CHANNEL = 'curbside_viewer_changed';

export const CASE_EVENT_TYPES = ['reply.created', 'reply.updated', 'case.updated'] as const;
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

/** What a case event's NOTIFY carries: ids only, never text. Listeners load the content and check policy. */
export interface CaseEventNotice {
  caseId: string;
  seq: number;
  type: CaseEventType;
  replyId: string | null;
}
