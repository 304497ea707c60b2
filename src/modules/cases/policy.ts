import { canModerate, canUseClinical } from '../auth/policy.js';
import type { Viewer } from '../auth/session-types.js';

/**
 * Who may see and do what in a case thread. Pure functions over the few fields they need, so
 * routes and the live websocket (before every send) ask the same questions.
 */
export const EDIT_WINDOW_MS = 15 * 60 * 1000;

export interface CaseFacts {
  authorId: string;
  hiddenAt: Date | null;
  deletedAt: Date | null;
}

export interface ReplyFacts {
  authorId: string;
  hiddenAt: Date | null;
  deletedAt: Date | null;
  createdAt: Date;
}

const isAuthor = (viewer: Viewer | null, content: { authorId: string }) => viewer?.userId === content.authorId;

/** Moderators see hidden content (marked as hidden); the author sees it with the reason. */
export function canSeeHidden(viewer: Viewer | null, content: { authorId: string }): boolean {
  return canModerate(viewer) || isAuthor(viewer, content);
}

export function canReadCase(viewer: Viewer | null, kase: CaseFacts): boolean {
  if (!canUseClinical(viewer) || kase.deletedAt) return false;
  return !kase.hiddenAt || canSeeHidden(viewer, kase);
}

/** A reply is shown only inside a case the viewer may read. */
export function canReadReply(viewer: Viewer | null, kase: CaseFacts, reply: Omit<ReplyFacts, 'createdAt'>): boolean {
  if (!canReadCase(viewer, kase) || reply.deletedAt) return false;
  return !reply.hiddenAt || canSeeHidden(viewer, reply);
}

/** Hidden cases take no new replies until a moderator restores them. */
export function canReplyToCase(viewer: Viewer | null, kase: CaseFacts): boolean {
  return canReadCase(viewer, kase) && !kase.hiddenAt;
}

export function isWithinEditWindow(createdAt: Date, now: Date): boolean {
  return now.getTime() - createdAt.getTime() <= EDIT_WINDOW_MS;
}

/** Only the author edits, and only in the first 15 minutes: later readers saw what they answered. */
export function canEditContent(viewer: Viewer | null, content: { authorId: string; createdAt: Date }, now: Date): boolean {
  return isAuthor(viewer, content) && isWithinEditWindow(content.createdAt, now);
}

export function canDeleteContent(viewer: Viewer | null, content: { authorId: string }): boolean {
  return isAuthor(viewer, content) || canModerate(viewer);
}

/** Solved, outcome and helpful marks belong to the case author. */
export function canManageCase(viewer: Viewer | null, kase: { authorId: string }): boolean {
  return isAuthor(viewer, kase);
}

/** The case author marks colleagues' replies helpful, not their own. */
export function canMarkHelpful(viewer: Viewer | null, kase: { authorId: string }, reply: { authorId: string }): boolean {
  return isAuthor(viewer, kase) && !isAuthor(viewer, reply);
}

/** Any physician but the reply's author may upvote it. */
export function canVote(viewer: Viewer | null, reply: { authorId: string }): boolean {
  return canUseClinical(viewer) && !isAuthor(viewer, reply);
}
