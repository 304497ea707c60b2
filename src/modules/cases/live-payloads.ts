import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { cases, replies, users } from '../../db/schema/index.js';
import { canModerate } from '../auth/policy.js';
import type { Viewer } from '../auth/session-types.js';
import type { LoadedPayload, PayloadLoader } from '../live/payloads.js';

/** Reads replies and cases for the live module and presents them per viewer. */
export function createLivePayloads(db: DbOrTx): PayloadLoader {
  return {
    async reply(replyId) {
      const [row] = await db
        .select({ reply: replies, handle: users.handle, specialty: users.specialty })
        .from(replies)
        .innerJoin(users, eq(users.id, replies.authorId))
        .where(eq(replies.id, replyId));
      if (!row) return null;
      const { reply } = row;
      return {
        forViewer(viewer: Viewer) {
          if (reply.deletedAt) return null;
          if (reply.hiddenAt && !canModerate(viewer) && reply.authorId !== viewer.userId) return null;
          return {
            id: reply.id,
            caseId: reply.caseId,
            seq: reply.seq,
            body: reply.body,
            author: { handle: row.handle, specialty: row.specialty },
            createdAt: reply.createdAt.toISOString(),
            votes: reply.votes,
            helpful: reply.helpful,
          };
        },
      } satisfies LoadedPayload;
    },
    async case(caseId) {
      const [row] = await db
        .select({ item: cases, handle: users.handle, specialty: users.specialty })
        .from(cases)
        .innerJoin(users, eq(users.id, cases.authorId))
        .where(eq(cases.id, caseId));
      if (!row) return null;
      const { item } = row;
      return {
        forViewer() {
          return {
            id: item.id,
            title: item.title,
            age: item.ageOver89 ? '90+' : item.age,
            sex: item.sex,
            specialty: item.specialty,
            urgency: item.urgency,
            body: item.body,
            question: item.question,
            status: item.status,
            author: { handle: row.handle, specialty: row.specialty },
            createdAt: item.createdAt.toISOString(),
            replyCount: item.replyCount,
          };
        },
      };
    },
  };
}
