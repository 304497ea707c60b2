import { canModerate } from '../modules/auth/policy.js';
import type { Viewer } from '../modules/auth/session-types.js';
import { EDIT_WINDOW_MS } from '../modules/cases/policy.js';
import type { PublicCase } from '../modules/cases/schemas.js';
import type { PublicReply } from '../modules/replies/schemas.js';

/**
 * What a viewer may do with a case or a reply, as the thread page offers it. The services
 * decide again on every action; this only keeps the page from offering what would be refused.
 */
export interface EditWindow {
  /** Whole minutes left (at least 1 while open). */
  minutesLeft: number;
  /** When the window closes (ISO). */
  until: string;
}

function editWindow(createdAt: string, now: Date): EditWindow | null {
  const until = new Date(createdAt).getTime() + EDIT_WINDOW_MS;
  const left = until - now.getTime();
  return left > 0 ? { minutesLeft: Math.max(1, Math.ceil(left / 60_000)), until: new Date(until).toISOString() } : null;
}

export interface CaseControls {
  manage: boolean;
  edit: EditWindow | null;
  remove: boolean;
  report: boolean;
  moderate: boolean;
  /** The author of a hidden case may edit it into a new post. */
  repost: boolean;
}

export function caseControls(viewer: Viewer, kase: PublicCase, now: Date): CaseControls {
  const moderator = canModerate(viewer);
  return {
    manage: kase.mine && !kase.hidden,
    edit: kase.mine && !kase.hidden ? editWindow(kase.createdAt, now) : null,
    remove: kase.mine || moderator,
    report: !kase.mine && !moderator,
    moderate: moderator,
    repost: kase.mine && kase.hidden,
  };
}

export interface ReplyControls {
  vote: boolean;
  helpful: boolean;
  edit: EditWindow | null;
  remove: boolean;
  report: boolean;
  moderate: boolean;
  repost: boolean;
}

export function replyControls(viewer: Viewer, kase: PublicCase, reply: PublicReply, now: Date): ReplyControls {
  const moderator = canModerate(viewer);
  const open = !reply.hidden && !kase.hidden;
  return {
    vote: !reply.mine && open,
    helpful: kase.mine && !reply.mine && open,
    edit: reply.mine && open ? editWindow(reply.createdAt, now) : null,
    remove: reply.mine || moderator,
    report: !reply.mine && !moderator && !reply.hidden,
    moderate: moderator,
    repost: reply.mine && reply.hidden && !kase.hidden,
  };
}
