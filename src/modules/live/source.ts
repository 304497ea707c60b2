import type { CaseEventNotice } from '../../domain/live-events.js';
import type { CaseFacts } from '../cases/policy.js';

/** What the live module needs to know about a case to decide who may see its events. */
export interface CaseAccess extends CaseFacts {
  id: string;
}

/** An event of the per-case log, as written by the cases module. */
export type StoredEvent = CaseEventNotice;

/**
 * Reads the per-case event log. Events carry ids only; the rows are read when an event is sent,
 * so a subscriber always gets the current, permission-checked state. Implemented by the cases
 * module, which owns the log.
 */
export interface EventSource {
  caseAccess(caseId: string): Promise<CaseAccess | null>;
  latestSeq(caseId: string): Promise<number | null>;
  eventsAfter(caseId: string, afterSeq: number, limit: number): Promise<StoredEvent[]>;
}
