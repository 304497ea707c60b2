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

export const isAuthor = (viewer: Viewer | null, content: { authorId: string }) => viewer?.userId === content.authorId;

/** Moderators see hidden content (marked as hidden); the author sees it with the reason. */
export function canSeeHidden(viewer: Viewer | null, content: { authorId: string }): boolean {
  return canModerate(viewer) || isAuthor(viewer, content);
}

export function canReadCase(viewer: Viewer | null, kase: CaseFacts): boolean {
  if (!canUseClinical(viewer) || kase.deletedAt) return false;
  return !kase.hiddenAt || canSeeHidden(viewer, kase);
}

/** Hidden cases take no new replies until a moderator restores them. */
export function canReplyToCase(viewer: Viewer | null, kase: CaseFacts): boolean {
  return canReadCase(viewer, kase) && !kase.hiddenAt;
}

export function isWithinEditWindow(createdAt: Date, now: Date): boolean {
  return now.getTime() - createdAt.getTime() <= EDIT_WINDOW_MS;
}

/**
 * Only the author edits, and only in the first 15 minutes: later readers saw what they
 * answered. The reason an edit is refused, or null when it is allowed (services throw it).
 */
export function editRefusal(viewer: Viewer | null, content: { authorId: string; createdAt: Date }, now: Date): 'not_author' | 'edit_window_closed' | null {
  if (!isAuthor(viewer, content)) return 'not_author';
  return isWithinEditWindow(content.createdAt, now) ? null : 'edit_window_closed';
}

export function canEditContent(viewer: Viewer | null, content: { authorId: string; createdAt: Date }, now: Date): boolean {
  return editRefusal(viewer, content, now) === null;
}

export function canDeleteContent(viewer: Viewer | null, content: { authorId: string }): boolean {
  return isAuthor(viewer, content) || canModerate(viewer);
}

/** Solved, outcome and helpful marks belong to the case author. */
export function canManageCase(viewer: Viewer | null, kase: { authorId: string }): boolean {
  return isAuthor(viewer, kase);
}
