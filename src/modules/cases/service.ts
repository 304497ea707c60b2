import type { Clock } from '../../clock.js';
import type { Database, DbOrTx } from '../../db/client.js';
import { isId } from '../../domain/ids.js';
import { ForbiddenError, NotFoundError, RateLimitedError } from '../../errors.js';
import { recordAudit, type AuditContext } from '../audit/service.js';
import { canModerate } from '../auth/policy.js';
import type { Viewer } from '../auth/session-types.js';
import type { CaseNotifier } from '../notifications/service.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { latestCaseSeq, latestCaseSeqs, listCaseEventsSince, nextCaseSeq, recordCaseEvent, writeCaseEvent } from './events.js';
import { renderMarkdown } from './markdown.js';
import { checkPhi, type FieldFinding } from './phi-gate.js';
import { canDeleteContent, canManageCase, canReadCase, editRefusal } from './policy.js';
import {
  countPostsSince,
  findCaseView,
  findCaseViews,
  insertAcknowledgements,
  insertCase,
  insertRevision,
  listAcknowledgements,
  listCaseViews,
  lockCase,
  lockPoster,
  updateCase,
  type CaseRecord,
  type CaseView,
  type ContentType,
  type NewCase,
  type StoredAcknowledgement,
} from './repo.js';
import type { CaseFilter, CreateCaseInput, EditCaseInput, ListCasesQuery, OutcomeInput } from './schemas.js';

export type { CaseView, ContentType, StoredAcknowledgement };

/** What the case rules need from the outside world. */
export interface CasesServiceDeps {
  db: Database;
  clock: Clock;
  postsPerMinute: number;
  /** Told inside each write's transaction (watchers, followers, authors); absent in the CLI. */
  notify?: CaseNotifier;
}

export interface CasePage {
  items: Array<CaseView & { snippet: string | null }>;
  nextCursor: string | null;
  /** The cursor of the newer page, when this page is not the first. */
  prevCursor: string | null;
}

const RATE_WINDOW_MS = 60_000;

function ageColumns(age: number | '90+'): Pick<NewCase, 'age' | 'ageOver89'> {
  // Safe Harbor: an exact age over 89 is never stored, only the band.
  return age === '90+' || age > 89 ? { age: null, ageOver89: true } : { age, ageOver89: false };
}

/** Throws the policy's refusal of an edit (author only, within the edit window). */
export function assertEditable(viewer: Viewer, content: { authorId: string; createdAt: Date }, now: Date): void {
  const refusal = editRefusal(viewer, content, now);
  if (refusal === 'not_author') throw new ForbiddenError('only the author may edit this', 'not_author');
  if (refusal === 'edit_window_closed') {
    throw new ForbiddenError('edits are possible for 15 minutes after posting; post a reply instead', 'edit_window_closed');
  }
}

/**
 * Cases: posting, listing, editing, solved, outcome, delete; and the pieces of a thread write
 * that replies and moderation share (the case lock, the event log, revisions, PHI
 * acknowledgements, the posting limit), each taking the caller's transaction.
 */
export function createCasesService(deps: CasesServiceDeps) {
  const { db, clock } = deps;

  /**
   * At most `postsPerMinute` cases and replies per account per rolling minute, counted in the
   * database under a per-account advisory lock so that every server process agrees.
   */
  async function enforcePostingLimit(tx: DbOrTx, userId: string, now: Date): Promise<void> {
    await lockPoster(tx, userId);
    const recent = await countPostsSince(tx, userId, new Date(now.getTime() - RATE_WINDOW_MS));
    if (recent.count < deps.postsPerMinute) return;
    const freeAt = (recent.oldest?.getTime() ?? now.getTime()) + RATE_WINDOW_MS;
    const retryAfter = Math.max(1, Math.ceil((freeAt - now.getTime()) / 1000));
    throw new RateLimitedError(`at most ${deps.postsPerMinute} cases and replies a minute; try again shortly`, retryAfter);
  }

  async function recordAcknowledgements(
    tx: DbOrTx,
    options: { targetType: ContentType; targetId: string; findings: FieldFinding[]; by: string; at: Date },
  ): Promise<void> {
    const rows = options.findings.map(({ field, start, end, type, text }) => ({ targetType: options.targetType, targetId: options.targetId, field, start, end, type, text }));
    await insertAcknowledgements(tx, rows, options.by, options.at);
  }

  /** The case as this viewer may see it, or undefined (no such id, deleted, hidden from them). */
  async function findReadable(options: { viewer: Viewer; caseId: string; tx?: DbOrTx }): Promise<CaseView | undefined> {
    if (!isId(options.caseId)) return undefined;
    const kase = await findCaseView(options.tx ?? db, options.caseId);
    return kase && canReadCase(options.viewer, kase) ? kase : undefined;
  }

  /** Locks the case row until commit (every thread write takes it first) and loads it; 404 if unseen. */
  async function lockForWrite(tx: DbOrTx, viewer: Viewer, caseId: string, what = 'case'): Promise<CaseView> {
    if (!isId(caseId) || !(await lockCase(tx, caseId))) throw new NotFoundError(what);
    const kase = await findCaseView(tx, caseId);
    if (!kase || !canReadCase(viewer, kase)) throw new NotFoundError(what);
    return kase;
  }

  async function create(options: { viewer: Viewer; input: CreateCaseInput }): Promise<CaseView> {
    const { viewer, input } = options;
    const phi = await checkPhi({ title: input.title, body: input.body, question: input.question }, input.acknowledge);
    if (phi.refusal) throw phi.refusal;
    const now = clock.now();
    const bodyHtml = renderMarkdown(input.body);
    const questionHtml = renderMarkdown(input.question);
    return db.transaction(async (tx) => {
      await enforcePostingLimit(tx, viewer.userId, now);
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
      await recordAcknowledgements(tx, { targetType: 'case', targetId: row.id, findings: phi.acknowledged, by: viewer.userId, at: now });
      await deps.notify?.caseCreated(tx, { id: row.id, authorId: row.authorId, specialty: row.specialty, urgency: row.urgency, createdAt: now });
      return { ...row, authorHandle: viewer.handle, authorSpecialty: viewer.specialty };
    });
  }

  async function list(options: { viewer: Viewer; query: ListCasesQuery }): Promise<CasePage> {
    const { viewer, query } = options;
    const q = query.q ? query.q : undefined;
    const after = query.cursor ? decodeCursor(query.cursor, q !== undefined) : undefined;
    const before = !after && query.before ? decodeCursor(query.before, q !== undefined) : undefined;
    const rows = await listCaseViews(db, {
      viewerId: viewer.userId,
      seesAllHidden: canModerate(viewer),
      specialty: query.specialty || undefined,
      filter: (query.filter || 'newest') as CaseFilter,
      q,
      after,
      before,
      limit: query.limit + 1,
    });
    // Going back, the extra row is the one furthest up; going on, the one furthest down.
    const more = rows.length > query.limit;
    const page = before ? rows.slice(more ? 1 : 0) : rows.slice(0, query.limit);
    const first = page.at(0);
    const last = page.at(-1);
    const olderExists = before ? true : more;
    const newerExists = before ? more : Boolean(after);
    return {
      items: page.map(({ key: _key, ...row }) => row),
      nextCursor: olderExists && last ? encodeCursor(last.key) : null,
      prevCursor: newerExists && first ? encodeCursor(first.key) : null,
    };
  }

  async function edit(options: { viewer: Viewer; caseId: string; input: EditCaseInput }): Promise<CaseView> {
    const { viewer, caseId } = options;
    const { acknowledge, age, ...changes } = options.input;
    // Acknowledgements kept with the case hold for the same text, so an edit elsewhere keeps them.
    const stored = isId(caseId) ? (await listAcknowledgements(db, [caseId])).filter((a) => a.targetId === caseId) : [];
    const phi = await checkPhi({ title: changes.title, body: changes.body, question: changes.question }, acknowledge, stored);
    const now = clock.now();
    return db.transaction(async (tx) => {
      const kase = await lockForWrite(tx, viewer, caseId);
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
      await recordAcknowledgements(tx, { targetType: 'case', targetId: caseId, findings: phi.acknowledged, by: viewer.userId, at: now });
      await recordCaseEvent(tx, caseId, 'case.updated');
      await deps.notify?.outcomePosted(tx, kase);
      return { ...kase, ...row! };
    });
  }

  async function setSolved(options: { viewer: Viewer; caseId: string; solved?: boolean }): Promise<CaseView> {
    const { viewer, caseId } = options;
    return db.transaction(async (tx) => {
      const kase = await lockForWrite(tx, viewer, caseId);
      if (!canManageCase(viewer, kase)) throw new ForbiddenError('only the case author may mark it solved', 'not_case_author');
      const status = (options.solved ?? kase.status !== 'solved') ? 'solved' : 'open';
      if (status === kase.status) return kase;
      const row = await updateCase(tx, caseId, { status });
      await recordCaseEvent(tx, caseId, 'case.updated');
      if (status === 'solved') await deps.notify?.solved(tx, kase);
      return { ...kase, ...row! };
    });
  }

  /** The outcome can be posted at any time and replaced; earlier outcomes go to the revisions. */
  async function setOutcome(options: { viewer: Viewer; caseId: string; input: OutcomeInput }): Promise<CaseView> {
    const { viewer, caseId, input } = options;
    const phi = await checkPhi({ outcome: input.outcome }, input.acknowledge);
    const now = clock.now();
    const outcomeHtml = renderMarkdown(input.outcome);
    return db.transaction(async (tx) => {
      const kase = await lockForWrite(tx, viewer, caseId);
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
      await recordAcknowledgements(tx, { targetType: 'case', targetId: caseId, findings: phi.acknowledged, by: viewer.userId, at: now });
      await recordCaseEvent(tx, caseId, 'case.updated');
      await deps.notify?.outcomePosted(tx, kase);
      return { ...kase, ...row! };
    });
  }

  async function remove(options: { viewer: Viewer; audit: AuditContext; caseId: string }): Promise<void> {
    const { viewer, caseId } = options;
    const now = clock.now();
    await db.transaction(async (tx) => {
      const kase = await lockForWrite(tx, viewer, caseId);
      if (!canDeleteContent(viewer, kase)) throw new ForbiddenError('only the author or a moderator may delete this', 'not_author');
      await updateCase(tx, caseId, { deletedAt: now });
      await recordCaseEvent(tx, caseId, 'case.updated');
      await recordAudit(tx, options.audit, { action: 'case.deleted', targetType: 'case', targetId: caseId, data: { byAuthor: viewer.userId === kase.authorId } });
    });
  }

  /** A moderator's hide or restore of a case, in the moderation service's transaction. */
  async function setHidden(tx: DbOrTx, caseId: string, values: { hiddenAt: Date | null; hiddenReason: string | null }): Promise<CaseRecord | undefined> {
    const row = await updateCase(tx, caseId, values);
    await recordCaseEvent(tx, caseId, 'case.updated');
    return row;
  }

  return {
    create,
    list,
    edit,
    setSolved,
    setOutcome,
    remove,
    findReadable,
    /** Unchecked read for callers that apply the policy per viewer themselves (live, moderation). */
    findById: (caseId: string, tx: DbOrTx = db) => (isId(caseId) ? findCaseView(tx, caseId) : Promise.resolve(undefined)),
    findMany: (ids: string[]) => findCaseViews(db, ids.filter(isId)),
    lockForWrite,
    lockRow: lockCase,
    setHidden,
    enforcePostingLimit,
    recordAcknowledgements,
    acknowledgementsOf: (targetIds: string[]) => listAcknowledgements(db, targetIds),
    recordRevision: insertRevision,
    /** The per-case event log (src/modules/cases/events.ts), written in the caller's transaction. */
    nextSeq: nextCaseSeq,
    writeEvent: writeCaseEvent,
    recordEvent: recordCaseEvent,
    /** For live subscribers: the log after a seq, and the latest seq. */
    eventsSince: (caseId: string, since: number, limit?: number) => listCaseEventsSince(db, caseId, since, limit),
    latestSeq: (caseId: string) => latestCaseSeq(db, caseId),
    latestSeqs: (caseIds: string[]) => latestCaseSeqs(db, caseIds),
  };
}

export type CasesService = ReturnType<typeof createCasesService>;
