import type { DbOrTx } from '../../db/client.js';
import type { Viewer } from '../auth/session-types.js';
import type { LoadedPayload, PayloadLoader } from '../live/payloads.js';
import type { EventSource } from '../live/source.js';
import { latestCaseSeq, listCaseEventsSince } from './events.js';
import { canReadCase, canReadReply } from './policy.js';
import { presentCase, presentReply } from './presenters.js';
import { findCaseView, findReplyView } from './repo.js';

/** No user has this id, so `voted` reads false: live events do not carry per-viewer votes. */
const NOBODY = '00000000-0000-0000-0000-000000000000';

/**
 * What the live module needs from cases: the event log, and rows read once per event then
 * presented per viewer with the same policies and presenters as the REST API.
 */
export function createLiveAdapters(db: DbOrTx): { source: EventSource; payloads: PayloadLoader } {
  const source: EventSource = {
    async caseAccess(caseId) {
      const kase = await findCaseView(db, caseId);
      return kase ? { id: kase.id, authorId: kase.authorId, hidden: kase.hiddenAt !== null, deleted: kase.deletedAt !== null } : null;
    },
    async latestSeq(caseId) {
      return (await latestCaseSeq(db, caseId)) ?? null;
    },
    eventsAfter(caseId, afterSeq, limit) {
      return listCaseEventsSince(db, caseId, afterSeq, limit);
    },
  };
  const payloads: PayloadLoader = {
    async reply(replyId) {
      const reply = await findReplyView(db, replyId, NOBODY);
      const kase = reply && (await findCaseView(db, reply.caseId));
      if (!reply || !kase) return null;
      return {
        forViewer: (viewer: Viewer) => (canReadReply(viewer, kase, reply) ? presentReply(reply, viewer) : null),
      };
    },
    async case(caseId) {
      const kase = await findCaseView(db, caseId);
      if (!kase) return null;
      return { forViewer: (viewer: Viewer) => (canReadCase(viewer, kase) ? presentCase(kase, viewer) : null) };
    },
  };
  return { source, payloads };
}

/** A new case as `{"type":"case.created","case":{…}}`, for open case lists (read once per process). */
export function caseCreatedLoader(db: DbOrTx) {
  return async (caseId: string): Promise<LoadedPayload | null> => {
    const kase = await findCaseView(db, caseId);
    if (!kase) return null;
    return { forViewer: (viewer: Viewer) => (canReadCase(viewer, kase) ? { type: 'case.created', case: presentCase(kase, viewer) } : null) };
  };
}
