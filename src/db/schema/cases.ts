import { sql, type SQL } from 'drizzle-orm';
import {
  boolean,
  check,
  customType,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  jsonb,
} from 'drizzle-orm/pg-core';
import { users } from './users.js';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const sexEnum = pgEnum('sex', ['female', 'male', 'intersex', 'unspecified']);
export const urgencyEnum = pgEnum('urgency', ['routine', 'urgent']);
export const caseStatusEnum = pgEnum('case_status', ['open', 'solved']);

export const cases = pgTable(
  'cases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    title: text('title').notNull(),
    /** Exact age only up to 89; older patients are stored as the band alone (HIPAA Safe Harbor). */
    age: smallint('age'),
    ageOver89: boolean('age_over_89').notNull().default(false),
    sex: sexEnum('sex').notNull(),
    specialty: text('specialty').notNull(),
    urgency: urgencyEnum('urgency').notNull(),
    body: text('body').notNull(),
    question: text('question').notNull(),
    /** Sanitised HTML rendered from the markdown at write time; null means "render on read". */
    bodyHtml: text('body_html'),
    questionHtml: text('question_html'),
    status: caseStatusEnum('status').notNull().default('open'),
    outcome: text('outcome'),
    outcomeHtml: text('outcome_html'),
    outcomeAt: timestamp('outcome_at', { withTimezone: true }),
    replyCount: integer('reply_count').notNull().default(0),
    /** Last event sequence number handed out for this case; bumped in the writing transaction. */
    lastSeq: integer('last_seq').notNull().default(0),
    hiddenAt: timestamp('hidden_at', { withTimezone: true }),
    hiddenReason: text('hidden_reason'),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        (): SQL =>
          sql`setweight(to_tsvector('english', coalesce(${cases.title}, '')), 'A') || setweight(to_tsvector('english', coalesce(${cases.question}, '')), 'B') || setweight(to_tsvector('english', coalesce(${cases.body}, '')), 'C')`,
      ),
  },
  (t) => [
    check('cases_age_range', sql`${t.age} IS NULL OR (${t.age} >= 0 AND ${t.age} <= 89)`),
    check('cases_age_band', sql`NOT (${t.ageOver89} AND ${t.age} IS NOT NULL)`),
    index('cases_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('cases_specialty_created_idx').on(t.specialty, t.createdAt.desc(), t.id.desc()),
    index('cases_search_idx').using('gin', t.search),
    // The posting rate limit counts an author's recent cases.
    index('cases_author_created_idx').on(t.authorId, t.createdAt),
    // The list filters walk these in keyset order.
    index('cases_unanswered_created_idx').on(t.createdAt.desc(), t.id.desc()).where(sql`${t.replyCount} = 0`),
    index('cases_urgent_created_idx').on(t.createdAt.desc(), t.id.desc()).where(sql`${t.urgency} = 'urgent'`),
    index('cases_solved_created_idx').on(t.createdAt.desc(), t.id.desc()).where(sql`${t.status} = 'solved'`),
  ],
);

export const replies = pgTable(
  'replies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    seq: integer('seq').notNull(),
    body: text('body').notNull(),
    bodyHtml: text('body_html'),
    helpful: boolean('helpful').notNull().default(false),
    votes: integer('votes').notNull().default(0),
    hiddenAt: timestamp('hidden_at', { withTimezone: true }),
    hiddenReason: text('hidden_reason'),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('replies_case_seq_key').on(t.caseId, t.seq),
    index('replies_author_created_idx').on(t.authorId, t.createdAt),
  ],
);

export const replyVotes = pgTable(
  'reply_votes',
  {
    replyId: uuid('reply_id')
      .notNull()
      .references(() => replies.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.replyId, t.userId] })],
);

/** Earlier versions of edited cases and replies, kept for moderators. */
export const contentRevisions = pgTable(
  'content_revisions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    targetType: text('target_type').notNull(),
    targetId: uuid('target_id').notNull(),
    editorId: uuid('editor_id').references(() => users.id),
    previous: jsonb('previous').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('content_revisions_target_idx').on(t.targetType, t.targetId)],
);

/** Findings the author declared "not PHI"; shown to moderators beside the content. */
export const phiAcknowledgements = pgTable(
  'phi_acknowledgements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    targetType: text('target_type').notNull(),
    targetId: uuid('target_id').notNull(),
    field: text('field').notNull(),
    start: integer('start').notNull(),
    end: integer('end').notNull(),
    type: text('type').notNull(),
    text: text('text').notNull(),
    acknowledgedBy: uuid('acknowledged_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('phi_acknowledgements_target_idx').on(t.targetType, t.targetId)],
);

/** The per-case event log that live subscribers replay from with `since`. */
export const caseEvents = pgTable(
  'case_events',
  {
    caseId: uuid('case_id')
      .notNull()
      .references(() => cases.id),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    replyId: uuid('reply_id').references(() => replies.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.seq] })],
);

export const flagStatusEnum = pgEnum('flag_status', ['open', 'hidden', 'dismissed']);

export const flags = pgTable(
  'flags',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    targetType: text('target_type').notNull(),
    targetId: uuid('target_id').notNull(),
    reporterId: uuid('reporter_id')
      .notNull()
      .references(() => users.id),
    reason: text('reason').notNull(),
    status: flagStatusEnum('status').notNull().default('open'),
    resolvedBy: uuid('resolved_by').references(() => users.id),
    resolution: text('resolution'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('flags_status_idx').on(t.status, t.createdAt),
    // One open flag per reporter and target: a second report of the same thing is a 409.
    uniqueIndex('flags_open_reporter_target_key')
      .on(t.targetType, t.targetId, t.reporterId)
      .where(sql`${t.status} = 'open'`),
    index('flags_target_idx').on(t.targetType, t.targetId),
  ],
);
