import { and, asc, eq, getTableColumns, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { replies, replyVotes, users } from '../../db/schema/index.js';

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

/** Every reply of a case not deleted, in seq order, in one query (no per-reply look-ups). */
export async function listReplyViews(db: DbOrTx, caseId: string, viewerId: string): Promise<ReplyView[]> {
  return db
    .select({ ...getTableColumns(replies), ...authorFields, voted: votedBy(viewerId) })
    .from(replies)
    .innerJoin(users, eq(users.id, replies.authorId))
    .where(and(eq(replies.caseId, caseId), isNull(replies.deletedAt)))
    .orderBy(asc(replies.seq));
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
