import type { Clock } from '../../clock.js';
import type { Database, DbOrTx } from '../../db/client.js';
import { isId } from '../../domain/ids.js';
import { AlreadyFlaggedError, ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import { recordAudit, type AuditContext } from '../audit/service.js';
import { canModerate } from '../auth/policy.js';
import type { Viewer } from '../auth/session-types.js';
import type { CasesService, ContentType } from '../cases/service.js';
import type { RepliesService } from '../replies/service.js';
import { presentQueuedFlag } from './presenters.js';
import { countFlags, findFlagForUpdate, insertFlag, listFlagsWithReporter, resolveFlag, resolveOpenFlagsOn, type FlagRecord, type FlagStatus } from './repo.js';
import type { CreateFlagInput, DecisionInput, QueuedFlag } from './schemas.js';

export interface ModerationServiceDeps {
  db: Database;
  clock: Clock;
  cases: CasesService;
  replies: RepliesService;
}

export interface ContentRef {
  type: ContentType;
  id: string;
}

const QUEUE_LIMIT = 200;

function isUniqueViolation(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause ?? (error as { code?: string });
  return cause?.code === '23505';
}

/** Flags raised by physicians, moderators' decisions on them, and direct hide/restore. */
export function createModerationService(deps: ModerationServiceDeps) {
  const { db, clock, cases, replies } = deps;

  /** Content a viewer may flag or a moderator may act on: it exists, is not deleted, and is visible to them. */
  async function findContent(tx: DbOrTx, viewer: Viewer, ref: ContentRef): Promise<{ caseId: string; hiddenAt: Date | null }> {
    if (!isId(ref.id)) throw new NotFoundError(ref.type);
    if (ref.type === 'case') {
      const kase = await cases.findReadable({ viewer, caseId: ref.id, tx });
      if (!kase) throw new NotFoundError('case');
      return { caseId: kase.id, hiddenAt: kase.hiddenAt };
    }
    const reply = await replies.findReadable({ viewer, replyId: ref.id, tx });
    if (!reply) throw new NotFoundError('reply');
    return { caseId: reply.caseId, hiddenAt: reply.hiddenAt };
  }

  /**
   * Hides or restores content in the caller's transaction (a flag decision or a direct moderator
   * action), with its audit event and live event. Hiding hidden content changes nothing;
   * restoring visible content is a 409.
   */
  async function setContentHidden(tx: DbOrTx, moderator: Viewer, audit: AuditContext, ref: ContentRef, change: { hidden: boolean; reason: string; now: Date }) {
    if (!canModerate(moderator)) throw new ForbiddenError('moderators only');
    const content = await findContent(tx, moderator, ref);
    if (!(await cases.lockRow(tx, content.caseId))) throw new NotFoundError(ref.type);
    if (change.hidden && content.hiddenAt) return;
    if (!change.hidden && !content.hiddenAt) throw new ConflictError(`this ${ref.type} is not hidden`, 'not_hidden');
    const values = change.hidden ? { hiddenAt: change.now, hiddenReason: change.reason } : { hiddenAt: null, hiddenReason: null };
    if (ref.type === 'case') await cases.setHidden(tx, ref.id, values);
    else await replies.setHidden(tx, { id: ref.id, caseId: content.caseId }, values);
    await recordAudit(tx, audit, {
      action: `${ref.type}.${change.hidden ? 'hidden' : 'restored'}`,
      targetType: ref.type,
      targetId: ref.id,
      data: { reason: change.reason },
    });
  }

  async function hideAndCloseFlags(tx: DbOrTx, moderator: Viewer, audit: AuditContext, ref: ContentRef, reason: string, now: Date) {
    await setContentHidden(tx, moderator, audit, ref, { hidden: true, reason, now });
    await resolveOpenFlagsOn(tx, ref.type, ref.id, { status: 'hidden', resolvedBy: moderator.userId, resolution: reason, resolvedAt: now });
  }

  /** Any physician may flag content they can see; one open flag per reporter and target. */
  async function flag(options: { viewer: Viewer; input: CreateFlagInput }): Promise<FlagRecord> {
    const { viewer, input } = options;
    const ref: ContentRef = { type: input.targetType, id: input.targetId };
    await findContent(db, viewer, ref);
    try {
      return await insertFlag(db, { targetType: ref.type, targetId: ref.id, reporterId: viewer.userId, reason: input.reason, createdAt: clock.now() });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AlreadyFlaggedError();
      throw error;
    }
  }

  /** Cases and replies by id, as a moderator sees them (for the flag queue; deleted ones too). */
  async function loadContent(viewer: Viewer, refs: ContentRef[]) {
    const ids = (type: ContentType) => [...new Set(refs.filter((r) => r.type === type).map((r) => r.id))];
    const [caseRows, replyRows] = await Promise.all([cases.findMany(ids('case')), replies.findMany(ids('reply'), viewer.userId)]);
    return { cases: caseRows, replies: replyRows };
  }

  /** The moderation queue, oldest first, with the flagged content as it stands now. */
  async function queue(options: { moderator: Viewer; status: FlagStatus }): Promise<QueuedFlag[]> {
    const { moderator } = options;
    const rows = await listFlagsWithReporter(db, options.status, QUEUE_LIMIT);
    const content = await loadContent(
      moderator,
      rows.map((row) => ({ type: row.targetType as ContentType, id: row.targetId })),
    );
    const caseById = new Map(content.cases.map((row) => [row.id, row]));
    const replyById = new Map(content.replies.map((row) => [row.id, row]));
    return rows.map((row) =>
      presentQueuedFlag(row, moderator, {
        kase: row.targetType === 'case' ? caseById.get(row.targetId) : undefined,
        reply: row.targetType === 'reply' ? replyById.get(row.targetId) : undefined,
      }),
    );
  }

  /**
   * A moderator's decision on a flag: `hide` hides the content (its author sees the reason) and
   * closes every open flag on it; `dismiss` closes this flag only. Audited in the same transaction.
   */
  async function decide(options: { moderator: Viewer; audit: AuditContext; flagId: string; input: DecisionInput }): Promise<FlagRecord> {
    const { moderator, audit, flagId, input } = options;
    if (!isId(flagId)) throw new NotFoundError('flag');
    const now = clock.now();
    return db.transaction(async (tx) => {
      const row = await findFlagForUpdate(tx, flagId);
      if (!row) throw new NotFoundError('flag');
      if (row.status !== 'open') throw new ConflictError('this flag has already been decided', 'already_decided');
      const ref: ContentRef = { type: row.targetType as ContentType, id: row.targetId };
      if (input.action === 'hide') {
        try {
          await hideAndCloseFlags(tx, moderator, audit, ref, input.reason, now);
        } catch (error) {
          if (error instanceof NotFoundError) throw new ConflictError(`the flagged ${ref.type} has been deleted; dismiss the flag instead`, 'content_deleted');
          throw error;
        }
      } else {
        await resolveFlag(tx, row.id, { status: 'dismissed', resolvedBy: moderator.userId, resolution: input.reason, resolvedAt: now });
      }
      await recordAudit(tx, audit, {
        action: `flag.${input.action === 'hide' ? 'hidden' : 'dismissed'}`,
        targetType: 'flag',
        targetId: row.id,
        data: { reason: input.reason, content: ref },
      });
      return (await findFlagForUpdate(tx, row.id))!;
    });
  }

  /** A moderator hides content directly (without a flag); open flags on it are closed as hidden. */
  async function hide(options: { moderator: Viewer; audit: AuditContext; ref: ContentRef; reason: string }): Promise<void> {
    const now = clock.now();
    await db.transaction((tx) => hideAndCloseFlags(tx, options.moderator, options.audit, options.ref, options.reason, now));
  }

  async function restore(options: { moderator: Viewer; audit: AuditContext; ref: ContentRef; reason: string }): Promise<void> {
    const now = clock.now();
    await db.transaction((tx) => setContentHidden(tx, options.moderator, options.audit, options.ref, { hidden: false, reason: options.reason, now }));
  }

  /** How many flags wait for a moderator (the moderators' header). */
  const countOpenFlags = () => countFlags(db, 'open');

  return { flag, queue, decide, hide, restore, loadContent, countOpenFlags };
}

export type ModerationService = ReturnType<typeof createModerationService>;
