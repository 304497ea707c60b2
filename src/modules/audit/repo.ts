import type { DbOrTx } from '../../db/client.js';
import { auditEvents } from '../../db/schema/index.js';

export type NewAuditEvent = typeof auditEvents.$inferInsert;

export async function insertAuditEvent(db: DbOrTx, event: NewAuditEvent): Promise<void> {
  await db.insert(auditEvents).values(event);
}
