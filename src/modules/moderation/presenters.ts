import type { Viewer } from '../auth/session-types.js';
import { presentCase } from '../cases/presenters.js';
import type { CaseView } from '../cases/service.js';
import { presentReply } from '../replies/presenters.js';
import type { ReplyView } from '../replies/service.js';
import type { FlagRecord } from './repo.js';
import type { PublicFlag, QueuedFlag } from './schemas.js';

export function presentFlag(flag: FlagRecord): PublicFlag {
  return {
    id: flag.id,
    targetType: flag.targetType as PublicFlag['targetType'],
    targetId: flag.targetId,
    reason: flag.reason,
    status: flag.status,
    createdAt: flag.createdAt.toISOString(),
    resolution: flag.resolution,
    resolvedAt: flag.resolvedAt?.toISOString() ?? null,
  };
}

/** A queue entry: the flag, who raised it, and the flagged content as the moderator sees it now. */
export function presentQueuedFlag(
  flag: FlagRecord & { reporterHandle: string },
  moderator: Viewer,
  content: { kase?: CaseView; reply?: ReplyView },
): QueuedFlag {
  const { kase, reply } = content;
  let target: QueuedFlag['target'] = null;
  if (kase) target = { caseId: kase.id, deleted: kase.deletedAt !== null, case: presentCase(kase, moderator) };
  if (reply) target = { caseId: reply.caseId, deleted: reply.deletedAt !== null, reply: presentReply(reply, moderator) };
  return { ...presentFlag(flag), reporter: { handle: flag.reporterHandle }, target };
}

/** The answer to hide/restore: the content as the moderator now sees it. */
export function presentModeratedContent(moderator: Viewer, content: { cases: CaseView[]; replies: ReplyView[] }) {
  const [kase] = content.cases;
  const [reply] = content.replies;
  return kase ? { case: presentCase(kase, moderator) } : reply ? { reply: presentReply(reply, moderator) } : {};
}
