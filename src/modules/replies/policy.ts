import { canUseClinical } from '../auth/policy.js';
import type { Viewer } from '../auth/session-types.js';
import { canReadCase, canSeeHidden, isAuthor, type CaseFacts } from '../cases/policy.js';

/** Who may see and do what with a reply: pure functions, asked by routes and the live module alike. */
export interface ReplyFacts {
  authorId: string;
  hiddenAt: Date | null;
  deletedAt: Date | null;
}

/** A reply is shown only inside a case the viewer may read. */
export function canReadReply(viewer: Viewer | null, kase: CaseFacts, reply: ReplyFacts): boolean {
  if (!canReadCase(viewer, kase) || reply.deletedAt) return false;
  return !reply.hiddenAt || canSeeHidden(viewer, reply);
}

/** The case author marks colleagues' replies helpful, not their own. */
export function canMarkHelpful(viewer: Viewer | null, kase: { authorId: string }, reply: { authorId: string }): boolean {
  return isAuthor(viewer, kase) && !isAuthor(viewer, reply);
}

/** Any physician but the reply's author may upvote it. */
export function canVote(viewer: Viewer | null, reply: { authorId: string }): boolean {
  return canUseClinical(viewer) && !isAuthor(viewer, reply);
}
