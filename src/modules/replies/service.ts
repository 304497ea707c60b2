import type { Clock } from '../../clock.js';
import type { Database, DbOrTx } from '../../db/client.js';
import { isId } from '../../domain/ids.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import { recordAudit, type AuditContext } from '../audit/service.js';
import { canModerate } from '../auth/policy.js';
import type { Viewer } from '../auth/session-types.js';
import type { CaseNotifier } from '../notifications/service.js';
import { renderMarkdown } from '../cases/markdown.js';
import { checkPhi } from '../cases/phi-gate.js';
import { canDeleteContent, canManageCase, canReadCase, canReplyToCase } from '../cases/policy.js';
import { assertEditable, type CasesService, type CaseView, type StoredAcknowledgement } from '../cases/service.js';
import { canMarkHelpful, canReadReply, canVote } from './policy.js';
import {
  addVotes,
  deleteVote,
  findReplyCaseId,
  findReplyView,
  findReplyViews,
  findThreadView,
  insertReply,
  insertVote,
  updateReply,
  type ReplyRecord,
  type ReplyView,
  type ThreadPage,
} from './repo.js';
import type { ReplyInput } from './schemas.js';

export type { ReplyView };

export interface RepliesServiceDeps {
  db: Database;
  clock: Clock;
  /** Replies live inside a case: its lock, event log, revisions and posting limit. */
  cases: CasesService;
  /** Told inside the reply's transaction: watchers of the case, the reply's author for helpful. */
  notify?: CaseNotifier;
}

export interface Thread {
  case: CaseView;
  replies: ReplyView[];
  /** Present for moderators only: acknowledged PHI findings of the case and its replies. */
  acknowledgements?: StoredAcknowledgement[];
  /** The seq to ask for next when the thread was read a page at a time and more follow. */
  nextAfter: number | null;
}

/** Replies, votes and helpful marks; a thread read is the case with its visible replies. */
export function createRepliesService(deps: RepliesServiceDeps) {
  const { db, clock, cases } = deps;

  /** Locks the reply's case (writers always lock the case first) and loads both (404 if unseen). */
  async function lockForWrite(tx: DbOrTx, viewer: Viewer, replyId: string): Promise<{ kase: CaseView; reply: ReplyView }> {
    const caseId = isId(replyId) ? await findReplyCaseId(tx, replyId) : undefined;
    if (!caseId) throw new NotFoundError('reply');
    const kase = await cases.lockForWrite(tx, viewer, caseId, 'reply');
    const reply = await findReplyView(tx, replyId, viewer.userId);
    if (!reply || !canReadReply(viewer, kase, reply)) throw new NotFoundError('reply');
    return { kase, reply };
  }

  /**
   * A case and its visible replies in seq order: one query whatever the thread's length (two
   * for moderators, who also see acknowledged PHI findings). With `page.limit`, the replies after
   * `page.after` up to that many, and `nextAfter` (the seq to continue from) when more follow.
   */
  async function thread(options: { viewer: Viewer; caseId: string; page?: ThreadPage }): Promise<Thread> {
    const { viewer, caseId, page } = options;
    const found = isId(caseId) ? await findThreadView(db, caseId, viewer.userId, page) : undefined;
    if (!found || !canReadCase(viewer, found.case)) throw new NotFoundError('case');
    const kase = found.case;
    const more = page?.limit !== undefined && found.replies.length > page.limit;
    const rows = more ? found.replies.slice(0, page!.limit) : found.replies;
    const replies = rows.filter((reply) => canReadReply(viewer, kase, reply));
    const acknowledgements = canModerate(viewer) ? await cases.acknowledgementsOf([caseId, ...replies.map((r) => r.id)]) : undefined;
    return { case: kase, replies, acknowledgements, nextAfter: more ? rows.at(-1)!.seq : null };
  }

  /**
   * A reply takes the case's next seq in the same statement that bumps the reply count: the row
   * lock orders concurrent repliers, so seqs are handed out once each and in commit order.
   */
  async function create(options: { viewer: Viewer; caseId: string; input: ReplyInput }): Promise<ReplyView> {
    const { viewer, caseId, input } = options;
    if (!isId(caseId)) throw new NotFoundError('case');
    const phi = await checkPhi({ body: input.body }, input.acknowledge);
    const now = clock.now();
    const bodyHtml = renderMarkdown(input.body);
    return db.transaction(async (tx) => {
      await cases.enforcePostingLimit(tx, viewer.userId, now);
      const seq = await cases.nextSeq(tx, caseId, 1);
      const kase = seq === undefined ? undefined : await cases.findReadable({ viewer, caseId, tx });
      if (seq === undefined || !kase) throw new NotFoundError('case');
      if (!canReplyToCase(viewer, kase)) throw new ConflictError('a moderator has hidden this case; it takes no replies', 'case_hidden');
      if (phi.refusal) throw phi.refusal;
      const row = await insertReply(tx, { caseId, authorId: viewer.userId, seq, body: input.body, bodyHtml, createdAt: now, updatedAt: now });
      await cases.writeEvent(tx, { caseId, seq, type: 'reply.created', replyId: row.id });
      await cases.recordAcknowledgements(tx, { targetType: 'reply', targetId: row.id, findings: phi.acknowledged, by: viewer.userId, at: now });
      await deps.notify?.replyCreated(tx, kase, { id: row.id, authorId: viewer.userId });
      return { ...row, authorHandle: viewer.handle, authorSpecialty: viewer.specialty, voted: false };
    });
  }

  async function edit(options: { viewer: Viewer; replyId: string; input: ReplyInput }): Promise<ReplyView> {
    const { viewer, replyId, input } = options;
    // Acknowledgements kept with the reply hold for the same text, so an edit elsewhere keeps them.
    const stored = isId(replyId) ? await cases.acknowledgementsOf([replyId]) : [];
    const phi = await checkPhi({ body: input.body }, input.acknowledge, stored);
    const now = clock.now();
    const bodyHtml = renderMarkdown(input.body);
    return db.transaction(async (tx) => {
      const { reply } = await lockForWrite(tx, viewer, replyId);
      assertEditable(viewer, reply, now);
      if (phi.refusal) throw phi.refusal;
      await cases.recordRevision(tx, { targetType: 'reply', targetId: replyId, editorId: viewer.userId, previous: { body: reply.body }, createdAt: now });
      const row = await updateReply(tx, replyId, { body: input.body, bodyHtml, updatedAt: now });
      await cases.recordAcknowledgements(tx, { targetType: 'reply', targetId: replyId, findings: phi.acknowledged, by: viewer.userId, at: now });
      await cases.recordEvent(tx, reply.caseId, 'reply.updated', replyId);
      return { ...reply, ...row! };
    });
  }

  /** Upvote toggle (or set, with `voted`); a vote count change is a reply.updated event. */
  async function vote(options: { viewer: Viewer; replyId: string; voted?: boolean }): Promise<ReplyView> {
    const { viewer, replyId } = options;
    const now = clock.now();
    return db.transaction(async (tx) => {
      const { reply } = await lockForWrite(tx, viewer, replyId);
      if (!canVote(viewer, reply)) throw new ForbiddenError('you cannot vote for your own reply', 'own_reply');
      if (reply.hiddenAt) throw new ConflictError('a moderator has hidden this reply', 'content_hidden');
      const want = options.voted ?? !reply.voted;
      if (want === reply.voted) return reply;
      const changed = want ? await insertVote(tx, replyId, viewer.userId, now) : await deleteVote(tx, replyId, viewer.userId);
      if (!changed) return reply;
      const row = await addVotes(tx, replyId, want ? 1 : -1);
      await cases.recordEvent(tx, reply.caseId, 'reply.updated', replyId);
      return { ...reply, ...row!, voted: want };
    });
  }

  async function markHelpful(options: { viewer: Viewer; replyId: string; helpful?: boolean }): Promise<ReplyView> {
    const { viewer, replyId } = options;
    return db.transaction(async (tx) => {
      const { kase, reply } = await lockForWrite(tx, viewer, replyId);
      if (!canManageCase(viewer, kase)) throw new ForbiddenError('only the case author may mark replies helpful', 'not_case_author');
      if (!canMarkHelpful(viewer, kase, reply)) throw new ForbiddenError('you cannot mark your own reply helpful', 'own_reply');
      if (reply.hiddenAt) throw new ConflictError('a moderator has hidden this reply', 'content_hidden');
      const want = options.helpful ?? !reply.helpful;
      if (want === reply.helpful) return reply;
      const row = await updateReply(tx, replyId, { helpful: want });
      await cases.recordEvent(tx, reply.caseId, 'reply.updated', replyId);
      if (want) await deps.notify?.helpfulMarked(tx, kase, reply);
      return { ...reply, ...row! };
    });
  }

  async function remove(options: { viewer: Viewer; audit: AuditContext; replyId: string }): Promise<void> {
    const { viewer, replyId } = options;
    const now = clock.now();
    await db.transaction(async (tx) => {
      const { reply } = await lockForWrite(tx, viewer, replyId);
      if (!canDeleteContent(viewer, reply)) throw new ForbiddenError('only the author or a moderator may delete this', 'not_author');
      await updateReply(tx, replyId, { deletedAt: now });
      // A hidden reply was already out of the count.
      await cases.recordEvent(tx, reply.caseId, 'reply.updated', replyId, reply.hiddenAt ? 0 : -1);
      await recordAudit(tx, options.audit, {
        action: 'reply.deleted',
        targetType: 'reply',
        targetId: replyId,
        data: { byAuthor: viewer.userId === reply.authorId },
      });
    });
  }

  /** The reply as this viewer may see it (inside a case they may read), or undefined. */
  async function findReadable(options: { viewer: Viewer; replyId: string; tx?: DbOrTx }): Promise<ReplyView | undefined> {
    const { viewer, replyId } = options;
    const tx = options.tx ?? db;
    if (!isId(replyId)) return undefined;
    const reply = await findReplyView(tx, replyId, viewer.userId);
    const kase = reply ? await cases.findById(reply.caseId, tx) : undefined;
    return reply && kase && canReadReply(viewer, kase, reply) ? reply : undefined;
  }

  /** A moderator's hide or restore of a reply, in the moderation service's transaction. */
  async function setHidden(
    tx: DbOrTx,
    reply: { id: string; caseId: string },
    values: { hiddenAt: Date | null; hiddenReason: string | null },
  ): Promise<ReplyRecord | undefined> {
    const row = await updateReply(tx, reply.id, values);
    await cases.recordEvent(tx, reply.caseId, 'reply.updated', reply.id, values.hiddenAt ? -1 : 1);
    return row;
  }

  return {
    thread,
    create,
    edit,
    vote,
    markHelpful,
    remove,
    findReadable,
    /** Unchecked read (no votes of anyone) for callers that apply the policy per viewer (live). */
    findById: (replyId: string, viewerId: string) => (isId(replyId) ? findReplyView(db, replyId, viewerId) : Promise.resolve(undefined)),
    findMany: (ids: string[], viewerId: string) => findReplyViews(db, ids.filter(isId), viewerId),
    setHidden,
  };
}

export type RepliesService = ReturnType<typeof createRepliesService>;
