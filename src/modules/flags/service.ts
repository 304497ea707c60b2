import type { Clock } from '../../app.js';
import type { Database } from '../../db/client.js';
import { isId } from '../../domain/ids.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { recordAudit, type AuditContext } from '../audit/service.js';
import type { Viewer } from '../auth/session-types.js';
import { presentCase, presentReply } from '../cases/presenters.js';
import { findContent, loadContent, setContentHidden, type ContentRef } from '../cases/service.js';
import { countFlags, findFlagForUpdate, insertFlag, listFlagsWithReporter, resolveFlag, resolveOpenFlagsOn, type FlagRecord, type FlagStatus } from './repo.js';
import type { CreateFlagInput, DecisionInput, PublicFlag, QueuedFlag } from './schemas.js';

export interface FlagsDeps {
  db: Database;
  clock: Clock;
}

const QUEUE_LIMIT = 200;

function isUniqueViolation(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause ?? (error as { code?: string });
  return cause?.code === '23505';
}

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

/** Any physician may flag content they can see; one open flag per reporter and target. */
export async function createFlag(deps: FlagsDeps, viewer: Viewer, input: CreateFlagInput): Promise<FlagRecord> {
  const ref: ContentRef = { type: input.targetType, id: input.targetId };
  await findContent(deps.db, viewer, ref);
  try {
    return await insertFlag(deps.db, {
      targetType: ref.type,
      targetId: ref.id,
      reporterId: viewer.userId,
      reason: input.reason,
      createdAt: deps.clock.now(),
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError('you have already flagged this; a moderator will look at it', 'already_flagged');
    throw error;
  }
}

/** How many flags wait for a moderator. */
export async function countOpenFlags(deps: Pick<FlagsDeps, 'db'>): Promise<number> {
  return countFlags(deps.db, 'open');
}

/** The moderation queue, oldest first, with the flagged content as it stands now. */
export async function listFlagQueue(deps: FlagsDeps, moderator: Viewer, status: FlagStatus): Promise<QueuedFlag[]> {
  const rows = await listFlagsWithReporter(deps.db, status, QUEUE_LIMIT);
  const content = await loadContent(
    deps.db,
    moderator,
    rows.map((row) => ({ type: row.targetType as ContentRef['type'], id: row.targetId })),
  );
  const cases = new Map(content.cases.map((row) => [row.id, row]));
  const replies = new Map(content.replies.map((row) => [row.id, row]));
  return rows.map((row) => {
    const kase = row.targetType === 'case' ? cases.get(row.targetId) : undefined;
    const reply = row.targetType === 'reply' ? replies.get(row.targetId) : undefined;
    let target: QueuedFlag['target'] = null;
    if (kase) target = { caseId: kase.id, deleted: kase.deletedAt !== null, case: presentCase(kase, moderator) };
    if (reply) target = { caseId: reply.caseId, deleted: reply.deletedAt !== null, reply: presentReply(reply, moderator) };
    return { ...presentFlag(row), reporter: { handle: row.reporterHandle }, target };
  });
}

async function hideInTransaction(
  tx: Parameters<Parameters<Database['transaction']>[0]>[0],
  moderator: Viewer,
  audit: AuditContext,
  ref: ContentRef,
  reason: string,
  now: Date,
): Promise<void> {
  try {
    await setContentHidden(tx, moderator, audit, ref, { hidden: true, reason, now });
  } catch (error) {
    if (error instanceof NotFoundError) throw new ConflictError(`the flagged ${ref.type} has been deleted; dismiss the flag instead`, 'content_deleted');
    throw error;
  }
  await resolveOpenFlagsOn(tx, ref.type, ref.id, { status: 'hidden', resolvedBy: moderator.userId, resolution: reason, resolvedAt: now });
}

/**
 * A moderator's decision on a flag: `hide` hides the content (its author sees the reason) and
 * closes every open flag on it; `dismiss` closes this flag only. Audited in the same transaction.
 */
export async function decideFlag(deps: FlagsDeps, moderator: Viewer, audit: AuditContext, flagId: string, input: DecisionInput): Promise<FlagRecord> {
  if (!isId(flagId)) throw new NotFoundError('flag');
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const flag = await findFlagForUpdate(tx, flagId);
    if (!flag) throw new NotFoundError('flag');
    if (flag.status !== 'open') throw new ConflictError('this flag has already been decided', 'already_decided');
    const ref: ContentRef = { type: flag.targetType as ContentRef['type'], id: flag.targetId };
    if (input.action === 'hide') {
      await hideInTransaction(tx, moderator, audit, ref, input.reason, now);
    } else {
      await resolveFlag(tx, flag.id, { status: 'dismissed', resolvedBy: moderator.userId, resolution: input.reason, resolvedAt: now });
    }
    await recordAudit(tx, audit, { action: `flag.${input.action === 'hide' ? 'hidden' : 'dismissed'}`, targetType: 'flag', targetId: flag.id, data: { reason: input.reason, content: ref } });
    return (await findFlagForUpdate(tx, flag.id))!;
  });
}

/** A moderator hides content directly (without a flag); open flags on it are closed as hidden. */
export async function hideContent(deps: FlagsDeps, moderator: Viewer, audit: AuditContext, ref: ContentRef, reason: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await setContentHidden(tx, moderator, audit, ref, { hidden: true, reason, now });
    await resolveOpenFlagsOn(tx, ref.type, ref.id, { status: 'hidden', resolvedBy: moderator.userId, resolution: reason, resolvedAt: now });
  });
}

export async function restoreContent(deps: FlagsDeps, moderator: Viewer, audit: AuditContext, ref: ContentRef, reason: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction((tx) => setContentHidden(tx, moderator, audit, ref, { hidden: false, reason, now }));
}

/** The content as the moderator now sees it, for the answer to hide/restore. */
export async function contentForModerator(deps: FlagsDeps, moderator: Viewer, ref: ContentRef) {
  const content = await loadContent(deps.db, moderator, [ref]);
  const kase = content.cases[0];
  const reply = content.replies[0];
  return kase ? { case: presentCase(kase, moderator) } : reply ? { reply: presentReply(reply, moderator) } : {};
}
