import type { Viewer } from '../auth/session-types.js';
import { canReadCase } from '../cases/policy.js';
import { presentCase } from '../cases/presenters.js';
import type { CasesService } from '../cases/service.js';
import { canReadReply } from '../replies/policy.js';
import { presentReply } from '../replies/presenters.js';
import type { RepliesService } from '../replies/service.js';
import type { LoadedPayload, PayloadLoader } from './payloads.js';
import type { EventSource } from './source.js';

/** No user has this id, so `voted` reads false: live events do not carry per-viewer votes. */
const NOBODY = '00000000-0000-0000-0000-000000000000';

/**
 * What the live module needs from cases and replies: the event log, and rows read once per
 * event then presented per viewer with the same policies and presenters as the REST API.
 */
export function createLiveAdapters(services: { cases: CasesService; replies: RepliesService }): { source: EventSource; payloads: PayloadLoader } {
  const { cases, replies } = services;
  const source: EventSource = {
    async caseAccess(caseId) {
      const kase = await cases.findById(caseId);
      return kase ? { id: kase.id, authorId: kase.authorId, hiddenAt: kase.hiddenAt, deletedAt: kase.deletedAt } : null;
    },
    async latestSeq(caseId) {
      return (await cases.latestSeq(caseId)) ?? null;
    },
    latestSeqs(caseIds) {
      return cases.latestSeqs(caseIds);
    },
    eventsAfter(caseId, afterSeq, limit) {
      return cases.eventsSince(caseId, afterSeq, limit);
    },
  };
  const payloads: PayloadLoader = {
    async reply(replyId) {
      const reply = await replies.findById(replyId, NOBODY);
      const kase = reply && (await cases.findById(reply.caseId));
      if (!reply || !kase) return null;
      return {
        forViewer: (viewer: Viewer) => (canReadReply(viewer, kase, reply) ? presentReply(reply, viewer) : null),
      };
    },
    async case(caseId) {
      const kase = await cases.findById(caseId);
      if (!kase) return null;
      return { forViewer: (viewer: Viewer) => (canReadCase(viewer, kase) ? presentCase(kase, viewer) : null) };
    },
  };
  return { source, payloads };
}

/** A new case as `{"type":"case.created","case":{…}}`, for open case lists (read once per process). */
export function caseCreatedLoader(services: { cases: CasesService }) {
  return async (caseId: string): Promise<LoadedPayload | null> => {
    const kase = await services.cases.findById(caseId);
    if (!kase) return null;
    return { forViewer: (viewer: Viewer) => (canReadCase(viewer, kase) ? { type: 'case.created', case: presentCase(kase, viewer) } : null) };
  };
}
