import { bigserial, index, inet, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    requestId: text('request_id'),
    ip: inet('ip'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** The hash of the row before this one (by id); '' for the first row. */
    prevHash: text('prev_hash'),
    /** sha-256 over prevHash and this row's fields (src/modules/audit/chain.ts). */
    hash: text('hash'),
  },
  (t) => [index('audit_events_target_idx').on(t.targetType, t.targetId), index('audit_events_created_idx').on(t.createdAt)],
);
