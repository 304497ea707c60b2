import { and, eq, getTableColumns, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { cases, replies, replyVotes, users } from '../../db/schema/index.js';
import type { CaseView } from '../cases/service.js';

export type ReplyRecord = typeof replies.$inferSelect;
export type NewReply = typeof replies.$inferInsert;
export type ReplyView = ReplyRecord & { authorHandle: string; authorSpecialty: string | null; voted: boolean };

const authorFields = { authorHandle: users.handle, authorSpecialty: users.specialty };

export async function insertReply(db: DbOrTx, values: NewReply): Promise<ReplyRecord> {
  const [row] = await db.insert(replies).values(values).returning();
  return row!;
}

export async function updateReply(db: DbOrTx, id: string, values: Partial<NewReply>): Promise<ReplyRecord | undefined> {
  const [row] = await db.update(replies).set(values).where(eq(replies.id, id)).returning();
  return row;
}

const votedBy = (viewerId: string) =>
  sql<boolean>`exists (select 1 from ${replyVotes} where ${replyVotes.replyId} = ${replies.id} and ${replyVotes.userId} = ${viewerId})`;

/** A reply with its author and whether the viewer voted for it. */
export async function findReplyView(db: DbOrTx, id: string, viewerId: string): Promise<ReplyView | undefined> {
  const [row] = await db
    .select({ ...getTableColumns(replies), ...authorFields, voted: votedBy(viewerId) })
    .from(replies)
    .innerJoin(users, eq(users.id, replies.authorId))
    .where(eq(replies.id, id));
  return row;
}

/** Adds the vote; false when it already existed. */
export async function insertVote(db: DbOrTx, replyId: string, userId: string, at: Date): Promise<boolean> {
  const rows = await db.insert(replyVotes).values({ replyId, userId, createdAt: at }).onConflictDoNothing().returning({ replyId: replyVotes.replyId });
  return rows.length > 0;
}

export async function deleteVote(db: DbOrTx, replyId: string, userId: string): Promise<boolean> {
  const rows = await db
    .delete(replyVotes)
    .where(and(eq(replyVotes.replyId, replyId), eq(replyVotes.userId, userId)))
    .returning({ replyId: replyVotes.replyId });
  return rows.length > 0;
}

export async function findReplyCaseId(db: DbOrTx, replyId: string): Promise<string | undefined> {
  const [row] = await db.select({ caseId: replies.caseId }).from(replies).where(eq(replies.id, replyId));
  return row?.caseId;
}

export async function findReplyViews(db: DbOrTx, ids: string[], viewerId: string): Promise<ReplyView[]> {
  if (ids.length === 0) return [];
  return db
    .select({ ...getTableColumns(replies), ...authorFields, voted: votedBy(viewerId) })
    .from(replies)
    .innerJoin(users, eq(users.id, replies.authorId))
    .where(inArray(replies.id, ids));
}

export async function addVotes(db: DbOrTx, id: string, delta: number): Promise<ReplyRecord | undefined> {
  const [row] = await db
    .update(replies)
    .set({ votes: sql`${replies.votes} + ${delta}` })
    .where(eq(replies.id, id))
    .returning();
  return row;
}

/** The case columns a thread shows (not the search vector), and its author's public fields. */
const { search: _search, ...caseViewColumns } = getTableColumns(cases);
const caseAuthorFields = { authorHandle: users.handle, authorSpecialty: users.specialty };

/** A page of a thread: seq after `after`, at most `limit` (all when no limit). */
export interface ThreadPage {
  after?: number;
  limit?: number;
}

/** The replies as json_build_object writes them: timestamps are text until revived. */
type ReplyJson = Omit<ReplyView, 'hiddenAt' | 'deletedAt' | 'createdAt' | 'updatedAt'> & {
  hiddenAt: string | null;
  deletedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

const revive = (value: string | null) => (value === null ? null : new Date(value));

/**
 * A case with its author and its replies not deleted (in seq order, with their authors and
 * whether the viewer voted), in one statement and one round trip whatever the thread's length:
 * the replies travel as one JSON array built by PostgreSQL. With `page.limit`, one more reply
 * than asked is read so the caller knows whether there is a next page.
 */
export async function findThreadView(
  db: DbOrTx,
  caseId: string,
  viewerId: string,
  page: ThreadPage = {},
): Promise<{ case: CaseView; replies: ReplyView[] } | undefined> {
  const after = page.after ?? 0;
  const limit = page.limit === undefined ? sql`all` : sql`${page.limit + 1}`;
  const replyRows = sql<ReplyJson[]>`coalesce((
    select json_agg(t order by t."seq") from (
      select r.id as "id", r.case_id as "caseId", r.author_id as "authorId", r.seq as "seq", r.body as "body",
             r.body_html as "bodyHtml", r.helpful as "helpful", r.votes as "votes", r.hidden_at as "hiddenAt",
             r.hidden_reason as "hiddenReason", r.deleted_at as "deletedAt", r.created_at as "createdAt",
             r.updated_at as "updatedAt", ru.handle as "authorHandle", ru.specialty as "authorSpecialty",
             exists (select 1 from ${replyVotes} v where v.reply_id = r.id and v.user_id = ${viewerId}) as "voted"
      from ${replies} r join ${users} ru on ru.id = r.author_id
      where r.case_id = ${cases.id} and r.deleted_at is null and r.seq > ${after}
      order by r.seq limit ${limit}
    ) t), '[]'::json)`;
  const [row] = await db
    .select({ ...caseViewColumns, ...caseAuthorFields, replyRows })
    .from(cases)
    .innerJoin(users, eq(users.id, cases.authorId))
    .where(eq(cases.id, caseId));
  if (!row) return undefined;
  const { replyRows: rows, ...kase } = row;
  return {
    case: kase,
    replies: rows.map((r) => ({
      ...r,
      hiddenAt: revive(r.hiddenAt),
      deletedAt: revive(r.deletedAt),
      createdAt: new Date(r.createdAt),
      updatedAt: new Date(r.updatedAt),
    })),
  };
}
