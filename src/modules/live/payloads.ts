import type { Viewer } from '../auth/session-types.js';

/** A row read once per event, presented per viewer (null when that viewer may not see it). */
export interface LoadedPayload {
  forViewer(viewer: Viewer): object | null;
}

/**
 * Turns ids from the event log into the public REST shapes. Implemented by the cases module,
 * whose presenters decide every public shape.
 */
export interface PayloadLoader {
  reply(replyId: string): Promise<LoadedPayload | null>;
  case(caseId: string): Promise<LoadedPayload | null>;
}
