import { z } from 'zod';
import type { Clock } from '../../app.js';
import type { Database, DbOrTx } from '../../db/client.js';
import { isId, UUID_PATTERN } from '../../domain/ids.js';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError, RateLimitedError } from '../../errors.js';
import { recordAudit, type AuditContext } from '../audit/service.js';
import { canModerate } from '../auth/policy.js';
import type { Viewer } from '../auth/session-types.js';
import type { CaseNotifier } from '../notifications/service.js';
import { nextCaseSeq, recordCaseEvent, writeCaseEvent } from './events.js';
import { renderMarkdown } from './markdown.js';
import { checkPhi, type FieldFinding } from './phi-gate.js';
import {
  canDeleteContent,
  canManageCase,
  canMarkHelpful,
  canReadCase,
  canReadReply,
  canReplyToCase,
  canVote,
  isWithinEditWindow,
} from './policy.js';
import {
  addVotes,
  countPostsSince,
  deleteVote,
  findCaseView,
  findCaseViews,
  findReplyCaseId,
  findReplyView,
  findReplyViews,
  insertAcknowledgements,
  insertCase,
  insertReply,
  insertRevision,
  insertVote,
  listAcknowledgements,
  listCaseViews,
  listReplyViews,
  lockCase,
  lockPoster,
  updateCase,
  updateReply,
  type CaseView,
  type ContentType,
  type ListKey,
  type NewCase,
  type ReplyView,
  type StoredAcknowledgement,
} from './repo.js';
import type { CaseFilter, CreateCaseInput, EditCaseInput, ListCasesQuery, OutcomeInput, ReplyInput } from './schemas.js';

export type { CaseView, ReplyView, StoredAcknowledgement, ContentType };

/** What the case rules need from the outside world. */
export interface CasesDeps {
  db: Database;
  clock: Clock;
  postsPerMinute: number;
  /** Called inside each write's transaction: watchers, followers and authors are told on commit. */
  notify: CaseNotifier;
}


const RATE_WINDOW_MS = 60_000;

/**
 * At most `postsPerMinute` cases and replies per account per rolling minute, counted in the
 * database under a per-account advisory lock so that every server process agrees.
 */
async function enforcePostingLimit(tx: DbOrTx, deps: CasesDeps, userId: string, now: Date): Promise<void> {
  await lockPoster(tx, userId);
  const recent = await countPostsSince(tx, userId, new Date(now.getTime() - RATE_WINDOW_MS));
  if (recent.count < deps.postsPerMinute) return;
  const freeAt = (recent.oldest?.getTime() ?? now.getTime()) + RATE_WINDOW_MS;
  const retryAfter = Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000));
  throw new RateLimitedError(`at most ${deps.postsPerMinute} cases and replies a minute; try again shortly`, retryAfter);
}

function ageColumns(age: number | '90+'): Pick<NewCase, 'age' | 'ageOver89'> {
  // Safe Harbor: an exact age over 89 is never stored, only the band.
  return age === '90+' || age > 89 ? { age: null, ageOver89: true } : { age, ageOver89: false };
}

function storedFindings(targetType: ContentType, targetId: string, findings: FieldFinding[]): StoredAcknowledgement[] {
  return findings.map(({ field, start, end, type, text }) => ({ targetType, targetId, field, start, end, type, text }));
}

const withAuthor = <T>(row: T, viewer: Viewer) => ({ ...row, authorHandle: viewer.handle, authorSpecialty: viewer.specialty });

// ---------------------------------------------------------------- cases

export async function createCase(deps: CasesDeps, viewer: Viewer, input: CreateCaseInput): Promise<CaseView> {
  const phi = checkPhi({ title: input.title, body: input.body, question: input.question }, input.acknowledge);
  if (phi.refusal) throw phi.refusal;
  const now = deps.clock.now();
  const bodyHtml = renderMarkdown(input.body);
  const questionHtml = renderMarkdown(input.question);
  return deps.db.transaction(async (tx) => {
    await enforcePostingLimit(tx, deps, viewer.userId, now);
    const row = await insertCase(tx, {
      authorId: viewer.userId,
      title: input.title,
      ...ageColumns(input.age),
      sex: input.sex,
      specialty: input.specialty,
      urgency: input.urgency,
      body: input.body,
      bodyHtml,
      question: input.question,
      questionHtml,
      createdAt: now,
      updatedAt: now,
    });
    await insertAcknowledgements(tx, storedFindings('case', row.id, phi.acknowledged), viewer.userId, now);
    await deps.notify.caseCreated(tx, { id: row.id, authorId: row.authorId, specialty: row.specialty, urgency: row.urgency, createdAt: now });
    return withAuthor(row, viewer);
  });
}

/** The opaque list cursor: base64url JSON of the last row's sort key. */
const cursorSchema = z.strictObject({
  // Bounded so that a forged cursor cannot overflow PostgreSQL's real or timestamp (a 500).
  r: z.number().min(0).max(1e6).optional(),
  t: z.string().regex(/^(19|2\d)\d{2}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/),
  i: z.string().regex(UUID_PATTERN),
});

export function encodeCursor(key: ListKey): string {
  return Buffer.from(JSON.stringify({ r: key.rank, t: key.at, i: key.id })).toString('base64url');
}

export function decodeCursor(cursor: string, searching: boolean): ListKey {
  let parsed: z.infer<typeof cursorSchema>;
  try {
    parsed = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new BadRequestError('the cursor is not one this server handed out');
  }
  const millis = parsed.t.slice(0, 23);
  const real = new Date(`${millis}Z`);
  if (Number.isNaN(real.getTime()) || real.toISOString().slice(0, 23) !== millis) throw new BadRequestError('the cursor is not one this server handed out');
  if ((parsed.r !== undefined) !== searching) throw new BadRequestError('the cursor belongs to a different search');
  return { rank: parsed.r, at: parsed.t, id: parsed.i };
}

export interface CasePage {
  items: CaseView[];
  nextCursor: string | null;
}

export async function listCases(deps: CasesDeps, viewer: Viewer, query: ListCasesQuery): Promise<CasePage> {
  const q = query.q ? query.q : undefined;
  const after = query.cursor ? decodeCursor(query.cursor, q !== undefined) : undefined;
  const rows = await listCaseViews(deps.db, {
    viewerId: viewer.userId,
    seesAllHidden: canModerate(viewer),
    specialty: query.specialty || undefined,
    filter: (query.filter || 'newest') as CaseFilter,
    q,
    after,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ key: _key, ...row }) => row),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.key) : null,
  };
}

export interface Thread {
  case: CaseView;
  replies: ReplyView[];
  /** Present for moderators only: acknowledged PHI findings of the case and its replies. */
  acknowledgements?: StoredAcknowledgement[];
}

/** A case and its visible replies in seq order: two queries whatever the thread's length. */
export async function getThread(deps: CasesDeps, viewer: Viewer, caseId: string): Promise<Thread> {
  if (!isId(caseId)) throw new NotFoundError('case');
  const kase = await findCaseView(deps.db, caseId);
  if (!kase || !canReadCase(viewer, kase)) throw new NotFoundError('case');
  const replies = (await listReplyViews(deps.db, caseId, viewer.userId)).filter((reply) => canReadReply(viewer, kase, reply));
  const acknowledgements = canModerate(viewer) ? await listAcknowledgements(deps.db, [caseId, ...replies.map((r) => r.id)]) : undefined;
  return { case: kase, replies, acknowledgements };
}

/**
 * For the live module (before every send): the case or reply as this viewer may see it, or
 * undefined. Present it with presentCase / presentReply.
 */
export async function findReadableCase(db: DbOrTx, viewer: Viewer, caseId: string): Promise<CaseView | undefined> {
  if (!isId(caseId)) return undefined;
  const kase = await findCaseView(db, caseId);
  return kase && canReadCase(viewer, kase) ? kase : undefined;
}

export async function findReadableReply(db: DbOrTx, viewer: Viewer, replyId: string): Promise<ReplyView | undefined> {
  if (!isId(replyId)) return undefined;
  const reply = await findReplyView(db, replyId, viewer.userId);
  const kase = reply ? await findCaseView(db, reply.caseId) : undefined;
  return reply && kase && canReadReply(viewer, kase, reply) ? reply : undefined;
}

/** Locks the case and loads it as the viewer may see it (404 otherwise). */
async function loadCaseForWrite(tx: DbOrTx, viewer: Viewer, caseId: string): Promise<CaseView> {
  if (!isId(caseId) || !(await lockCase(tx, caseId))) throw new NotFoundError('case');
  const kase = await findCaseView(tx, caseId);
  if (!kase || !canReadCase(viewer, kase)) throw new NotFoundError('case');
  return kase;
}

/** Locks the reply's case (writers always lock the case first) and loads both (404 if unseen). */
async function loadReplyForWrite(tx: DbOrTx, viewer: Viewer, replyId: string): Promise<{ kase: CaseView; reply: ReplyView }> {
  const caseId = isId(replyId) ? await findReplyCaseId(tx, replyId) : undefined;
  if (!caseId || !(await lockCase(tx, caseId))) throw new NotFoundError('reply');
  const kase = await findCaseView(tx, caseId);
  const reply = await findReplyView(tx, replyId, viewer.userId);
  if (!kase || !reply || !canReadReply(viewer, kase, reply)) throw new NotFoundError('reply');
  return { kase, reply };
}

function assertEditable(viewer: Viewer, content: { authorId: string; createdAt: Date }, now: Date): void {
  if (viewer.userId !== content.authorId) throw new ForbiddenError('only the author may edit this', 'not_author');
  if (!isWithinEditWindow(content.createdAt, now)) {
    throw new ForbiddenError('edits are possible for 15 minutes after posting; post a reply instead', 'edit_window_closed');
  }
}

export async function editCase(deps: CasesDeps, viewer: Viewer, caseId: string, input: EditCaseInput): Promise<CaseView> {
  const { acknowledge, age, ...changes } = input;
  const phi = checkPhi({ title: changes.title, body: changes.body, question: changes.question }, acknowledge);
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const kase = await loadCaseForWrite(tx, viewer, caseId);
    assertEditable(viewer, kase, now);
    if (phi.refusal) throw phi.refusal;
    const { title, age: oldAge, ageOver89, sex, specialty, urgency, body, question } = kase;
    await insertRevision(tx, {
      targetType: 'case',
      targetId: caseId,
      editorId: viewer.userId,
      previous: { title, age: oldAge, ageOver89, sex, specialty, urgency, body, question },
      createdAt: now,
    });
    const row = await updateCase(tx, caseId, {
      ...changes,
      ...(age === undefined ? {} : ageColumns(age)),
      ...(changes.body === undefined ? {} : { bodyHtml: renderMarkdown(changes.body) }),
      ...(changes.question === undefined ? {} : { questionHtml: renderMarkdown(changes.question) }),
      updatedAt: now,
    });
    await insertAcknowledgements(tx, storedFindings('case', caseId, phi.acknowledged), viewer.userId, now);
    await recordCaseEvent(tx, caseId, 'case.updated');
    return { ...kase, ...row! };
  });
}

export async function setSolved(deps: CasesDeps, viewer: Viewer, caseId: string, solved?: boolean): Promise<CaseView> {
  return deps.db.transaction(async (tx) => {
    const kase = await loadCaseForWrite(tx, viewer, caseId);
    if (!canManageCase(viewer, kase)) throw new ForbiddenError('only the case author may mark it solved', 'not_case_author');
    const status = (solved ?? kase.status !== 'solved') ? 'solved' : 'open';
    if (status === kase.status) return kase;
    const row = await updateCase(tx, caseId, { status });
    await recordCaseEvent(tx, caseId, 'case.updated');
    if (status === 'solved') await deps.notify.solved(tx, kase);
    return { ...kase, ...row! };
  });
}

/** The outcome can be posted at any time and replaced; earlier outcomes go to the revisions. */
export async function setOutcome(deps: CasesDeps, viewer: Viewer, caseId: string, input: OutcomeInput): Promise<CaseView> {
  const phi = checkPhi({ outcome: input.outcome }, input.acknowledge);
  const now = deps.clock.now();
  const outcomeHtml = renderMarkdown(input.outcome);
  return deps.db.transaction(async (tx) => {
    const kase = await loadCaseForWrite(tx, viewer, caseId);
    if (!canManageCase(viewer, kase)) throw new ForbiddenError('only the case author may post its outcome', 'not_case_author');
    if (phi.refusal) throw phi.refusal;
    if (kase.outcome !== null) {
      await insertRevision(tx, {
        targetType: 'outcome',
        targetId: caseId,
        editorId: viewer.userId,
        previous: { outcome: kase.outcome, outcomeAt: kase.outcomeAt?.toISOString() ?? null },
        createdAt: now,
      });
    }
    const row = await updateCase(tx, caseId, { outcome: input.outcome, outcomeHtml, outcomeAt: now });
    await insertAcknowledgements(tx, storedFindings('case', caseId, phi.acknowledged), viewer.userId, now);
    await recordCaseEvent(tx, caseId, 'case.updated');
    await deps.notify.outcomePosted(tx, kase);
    return { ...kase, ...row! };
  });
}

export async function deleteCase(deps: CasesDeps, viewer: Viewer, audit: AuditContext, caseId: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const kase = await loadCaseForWrite(tx, viewer, caseId);
    if (!canDeleteContent(viewer, kase)) throw new ForbiddenError('only the author or a moderator may delete this', 'not_author');
    await updateCase(tx, caseId, { deletedAt: now });
    await recordCaseEvent(tx, caseId, 'case.updated');
    await recordAudit(tx, audit, { action: 'case.deleted', targetType: 'case', targetId: caseId, data: { byAuthor: viewer.userId === kase.authorId } });
  });
}

// ---------------------------------------------------------------- replies

/**
 * A reply takes the case's next seq in the same statement that bumps the reply count: the row
 * lock orders concurrent repliers, so seqs are handed out once each and in commit order.
 */
export async function createReply(deps: CasesDeps, viewer: Viewer, caseId: string, input: ReplyInput): Promise<ReplyView> {
  if (!isId(caseId)) throw new NotFoundError('case');
  const phi = checkPhi({ body: input.body }, input.acknowledge);
  const now = deps.clock.now();
  const bodyHtml = renderMarkdown(input.body);
  return deps.db.transaction(async (tx) => {
    await enforcePostingLimit(tx, deps, viewer.userId, now);
    const seq = await nextCaseSeq(tx, caseId, 1);
    const kase = seq === undefined ? undefined : await findCaseView(tx, caseId);
    if (seq === undefined || !kase || !canReadCase(viewer, kase)) throw new NotFoundError('case');
    if (!canReplyToCase(viewer, kase)) throw new ConflictError('a moderator has hidden this case; it takes no replies', 'case_hidden');
    if (phi.refusal) throw phi.refusal;
    const row = await insertReply(tx, { caseId, authorId: viewer.userId, seq, body: input.body, bodyHtml, createdAt: now, updatedAt: now });
    await writeCaseEvent(tx, { caseId, seq, type: 'reply.created', replyId: row.id });
    await insertAcknowledgements(tx, storedFindings('reply', row.id, phi.acknowledged), viewer.userId, now);
    await deps.notify.replyCreated(tx, kase, { id: row.id, authorId: viewer.userId });
    return { ...withAuthor(row, viewer), voted: false };
  });
}

export async function editReply(deps: CasesDeps, viewer: Viewer, replyId: string, input: ReplyInput): Promise<ReplyView> {
  const phi = checkPhi({ body: input.body }, input.acknowledge);
  const now = deps.clock.now();
  const bodyHtml = renderMarkdown(input.body);
  return deps.db.transaction(async (tx) => {
    const { reply } = await loadReplyForWrite(tx, viewer, replyId);
    assertEditable(viewer, reply, now);
    if (phi.refusal) throw phi.refusal;
    await insertRevision(tx, { targetType: 'reply', targetId: replyId, editorId: viewer.userId, previous: { body: reply.body }, createdAt: now });
    const row = await updateReply(tx, replyId, { body: input.body, bodyHtml, updatedAt: now });
    await insertAcknowledgements(tx, storedFindings('reply', replyId, phi.acknowledged), viewer.userId, now);
    await recordCaseEvent(tx, reply.caseId, 'reply.updated', replyId);
    return { ...reply, ...row! };
  });
}

/** Upvote toggle (or set, with `voted`); a vote count change is a reply.updated event. */
export async function voteForReply(deps: CasesDeps, viewer: Viewer, replyId: string, voted?: boolean): Promise<ReplyView> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const { reply } = await loadReplyForWrite(tx, viewer, replyId);
    if (!canVote(viewer, reply)) throw new ForbiddenError('you cannot vote for your own reply', 'own_reply');
    if (reply.hiddenAt) throw new ConflictError('a moderator has hidden this reply', 'content_hidden');
    const want = voted ?? !reply.voted;
    if (want === reply.voted) return reply;
    const changed = want ? await insertVote(tx, replyId, viewer.userId, now) : await deleteVote(tx, replyId, viewer.userId);
    if (!changed) return reply;
    const row = await addVotes(tx, replyId, want ? 1 : -1);
    await recordCaseEvent(tx, reply.caseId, 'reply.updated', replyId);
    return { ...reply, ...row!, voted: want };
  });
}

export async function markHelpful(deps: CasesDeps, viewer: Viewer, replyId: string, helpful?: boolean): Promise<ReplyView> {
  return deps.db.transaction(async (tx) => {
    const { kase, reply } = await loadReplyForWrite(tx, viewer, replyId);
    if (!canManageCase(viewer, kase)) throw new ForbiddenError('only the case author may mark replies helpful', 'not_case_author');
    if (!canMarkHelpful(viewer, kase, reply)) throw new ForbiddenError('you cannot mark your own reply helpful', 'own_reply');
    if (reply.hiddenAt) throw new ConflictError('a moderator has hidden this reply', 'content_hidden');
    const want = helpful ?? !reply.helpful;
    if (want === reply.helpful) return reply;
    const row = await updateReply(tx, replyId, { helpful: want });
    await recordCaseEvent(tx, reply.caseId, 'reply.updated', replyId);
    if (want) await deps.notify.helpfulMarked(tx, kase, reply);
    return { ...reply, ...row! };
  });
}

export async function deleteReply(deps: CasesDeps, viewer: Viewer, audit: AuditContext, replyId: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const { reply } = await loadReplyForWrite(tx, viewer, replyId);
    if (!canDeleteContent(viewer, reply)) throw new ForbiddenError('only the author or a moderator may delete this', 'not_author');
    await updateReply(tx, replyId, { deletedAt: now });
    // A hidden reply was already out of the count.
    await recordCaseEvent(tx, reply.caseId, 'reply.updated', replyId, reply.hiddenAt ? 0 : -1);
    await recordAudit(tx, audit, { action: 'reply.deleted', targetType: 'reply', targetId: replyId, data: { byAuthor: viewer.userId === reply.authorId } });
  });
}

// ---------------------------------------------------------------- moderation (called by the flags module)

export interface ContentRef {
  type: ContentType;
  id: string;
}

/** Content a viewer may flag or a moderator may act on: it exists, is not deleted, and is visible to them. */
export async function findContent(db: DbOrTx, viewer: Viewer, ref: ContentRef): Promise<{ caseId: string; authorId: string; hiddenAt: Date | null }> {
  if (!isId(ref.id)) throw new NotFoundError(ref.type);
  if (ref.type === 'case') {
    const kase = await findCaseView(db, ref.id);
    if (!kase || !canReadCase(viewer, kase)) throw new NotFoundError('case');
    return { caseId: kase.id, authorId: kase.authorId, hiddenAt: kase.hiddenAt };
  }
  const caseId = await findReplyCaseId(db, ref.id);
  const kase = caseId ? await findCaseView(db, caseId) : undefined;
  const reply = kase ? await findReplyView(db, ref.id, viewer.userId) : undefined;
  if (!kase || !reply || !canReadReply(viewer, kase, reply)) throw new NotFoundError('reply');
  return { caseId: kase.id, authorId: reply.authorId, hiddenAt: reply.hiddenAt };
}

/**
 * Hides or restores content in the caller's transaction (a flag decision or a direct moderator
 * action), with its audit event and live event. Hiding hidden content changes nothing and
 * returns false; restoring visible content is a 409.
 */
export async function setContentHidden(
  tx: DbOrTx,
  moderator: Viewer,
  audit: AuditContext,
  ref: ContentRef,
  change: { hidden: boolean; reason: string; now: Date },
): Promise<boolean> {
  if (!canModerate(moderator)) throw new ForbiddenError('moderators only');
  const content = await findContent(tx, moderator, ref);
  if (!(await lockCase(tx, content.caseId))) throw new NotFoundError(ref.type);
  if (change.hidden && content.hiddenAt) return false;
  if (!change.hidden && !content.hiddenAt) throw new ConflictError(`this ${ref.type} is not hidden`, 'not_hidden');
  const values = change.hidden ? { hiddenAt: change.now, hiddenReason: change.reason } : { hiddenAt: null, hiddenReason: null };
  if (ref.type === 'case') {
    await updateCase(tx, ref.id, values);
    await recordCaseEvent(tx, ref.id, 'case.updated');
  } else {
    await updateReply(tx, ref.id, values);
    await recordCaseEvent(tx, content.caseId, 'reply.updated', ref.id, change.hidden ? -1 : 1);
  }
  await recordAudit(tx, audit, {
    action: `${ref.type}.${change.hidden ? 'hidden' : 'restored'}`,
    targetType: ref.type,
    targetId: ref.id,
    data: { reason: change.reason },
  });
  return true;
}

/** Cases and replies by id, as a moderator sees them (for the flag queue; deleted ones too). */
export async function loadContent(db: DbOrTx, viewer: Viewer, refs: ContentRef[]): Promise<{ cases: CaseView[]; replies: ReplyView[] }> {
  const ids = (type: ContentType) => [...new Set(refs.filter((r) => r.type === type && isId(r.id)).map((r) => r.id))];
  const [caseRows, replyRows] = await Promise.all([findCaseViews(db, ids('case')), findReplyViews(db, ids('reply'), viewer.userId)]);
  return { cases: caseRows, replies: replyRows };
}
