import { and, asc, eq, gt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { caseEvents, cases } from '../../db/schema/index.js';

export type LiveEventType = 'reply.created' | 'reply.updated' | 'case.updated';

/** What the live module needs to know about a case to decide who may see its events. */
export interface CaseAccess {
  id: string;
  authorId: string;
  hidden: boolean;
  deleted: boolean;
}

export interface StoredEvent {
  caseId: string;
  seq: number;
  type: LiveEventType;
  replyId: string | null;
}

/**
 * Reads the per-case event log. Events carry ids only; the rows are read when an event is sent,
 * so a subscriber always gets the current, permission-checked state.
 */
export interface EventSource {
  caseAccess(caseId: string): Promise<CaseAccess | null>;
  latestSeq(caseId: string): Promise<number | null>;
  eventsAfter(caseId: string, afterSeq: number, limit: number): Promise<StoredEvent[]>;
}

export function createEventSource(db: DbOrTx): EventSource {
  return {
    async caseAccess(caseId) {
      const [row] = await db
        .select({ id: cases.id, authorId: cases.authorId, hiddenAt: cases.hiddenAt, deletedAt: cases.deletedAt })
        .from(cases)
        .where(eq(cases.id, caseId));
      return row ? { id: row.id, authorId: row.authorId, hidden: row.hiddenAt !== null, deleted: row.deletedAt !== null } : null;
    },
    async latestSeq(caseId) {
      const [row] = await db.select({ lastSeq: cases.lastSeq }).from(cases).where(eq(cases.id, caseId));
      return row ? row.lastSeq : null;
    },
    async eventsAfter(caseId, afterSeq, limit) {
      const rows = await db
        .select({ caseId: caseEvents.caseId, seq: caseEvents.seq, type: caseEvents.type, replyId: caseEvents.replyId })
        .from(caseEvents)
        .where(and(eq(caseEvents.caseId, caseId), gt(caseEvents.seq, afterSeq)))
        .orderBy(asc(caseEvents.seq))
        .limit(limit);
      return rows.map((r) => ({ ...r, type: r.type as LiveEventType }));
    },
  };
}

