import { and, asc, desc, eq, getTableColumns, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { cases, contentRevisions, phiAcknowledgements, replies, users } from '../../db/schema/index.js';

const { search: _search, ...caseColumns } = getTableColumns(cases);

export type CaseRecord = Omit<typeof cases.$inferSelect, 'search'>;
export type NewCase = typeof cases.$inferInsert;

export interface AuthorFields {
  authorHandle: string;
  authorSpecialty: string | null;
}
export type CaseView = CaseRecord & AuthorFields;
export type ContentType = 'case' | 'reply';

const authorFields = { authorHandle: users.handle, authorSpecialty: users.specialty };

export async function insertCase(db: DbOrTx, values: NewCase): Promise<CaseRecord> {
  const [row] = await db.insert(cases).values(values).returning(caseColumns);
  return row!;
}

export async function findCaseView(db: DbOrTx, id: string): Promise<CaseView | undefined> {
  const [row] = await db
    .select({ ...caseColumns, ...authorFields })
    .from(cases)
    .innerJoin(users, eq(users.id, cases.authorId))
    .where(eq(cases.id, id));
  return row;
}

export async function updateCase(db: DbOrTx, id: string, values: Partial<NewCase>): Promise<CaseRecord | undefined> {
  const [row] = await db.update(cases).set(values).where(eq(cases.id, id)).returning(caseColumns);
  return row;
}

/** The position of a row in a list, as the cursor carries it. `at` is UTC with microseconds. */
export interface ListKey {
  rank?: number;
  at: string;
  id: string;
}

export interface ListCasesOptions {
  viewerId: string;
  seesAllHidden: boolean;
  specialty?: string;
  filter: 'newest' | 'unanswered' | 'urgent' | 'solved';
  q?: string;
  after?: ListKey;
  /** The page just above this key (the "newer" page), returned in the same order as any page. */
  before?: ListKey;
  limit: number;
}

/** Marks around the words a search matched in a snippet; control characters never occur in stored text. */
export const SNIPPET_START = '\u0002';
export const SNIPPET_STOP = '\u0003';

const cursorAt = sql<string>`to_char(${cases.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
const keyAt = (at: string) => sql`(${at}::timestamp at time zone 'UTC')`;

/**
 * One keyset page of cases, newest first, or by full-text rank then recency when `q` is given.
 * Never OFFSET: the page after `after` starts strictly below its key.
 */
export async function listCaseViews(db: DbOrTx, options: ListCasesOptions): Promise<Array<CaseView & { key: ListKey; snippet: string | null }>> {
  const conditions: SQL[] = [isNull(cases.deletedAt)];
  if (!options.seesAllHidden) conditions.push(or(isNull(cases.hiddenAt), eq(cases.authorId, options.viewerId))!);
  if (options.specialty) conditions.push(eq(cases.specialty, options.specialty));
  if (options.filter === 'unanswered') conditions.push(sql`${cases.replyCount} = 0`);
  if (options.filter === 'urgent') conditions.push(sql`${cases.urgency} = 'urgent'`);
  if (options.filter === 'solved') conditions.push(sql`${cases.status} = 'solved'`);

  const query = options.q ? sql`websearch_to_tsquery('english', ${options.q})` : undefined;
  const rank = query ? sql<number>`ts_rank(${cases.search}, ${query})` : sql<number>`0::real`;
  if (query) conditions.push(sql`${cases.search} @@ ${query}`);
  const bound = options.before ?? options.after;
  const cmp = options.before ? sql`>` : sql`<`;
  if (bound && query) {
    conditions.push(sql`(${rank}, ${cases.createdAt}, ${cases.id}) ${cmp} (${bound.rank ?? 0}::real, ${keyAt(bound.at)}, ${bound.id}::uuid)`);
  } else if (bound) {
    conditions.push(sql`(${cases.createdAt}, ${cases.id}) ${cmp} (${keyAt(bound.at)}, ${bound.id}::uuid)`);
  }
  const dir = options.before ? asc : desc;
  const order = query ? [dir(rank), dir(cases.createdAt), dir(cases.id)] : [dir(cases.createdAt), dir(cases.id)];
  // The matched words in context, for search results; the page escapes it and marks the words.
  const snippet = query
    ? sql<string>`ts_headline('english', ${cases.title} || ' — ' || ${cases.body}, ${query}, ${`StartSel=${SNIPPET_START}, StopSel=${SNIPPET_STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`})`
    : sql<string | null>`null`;

  const rows = await db
    .select({ ...caseColumns, ...authorFields, keyAt: cursorAt, keyRank: rank, snippet })
    .from(cases)
    .innerJoin(users, eq(users.id, cases.authorId))
    .where(and(...conditions))
    .orderBy(...order)
    .limit(options.limit);
  const listed = rows.map(({ keyAt: at, keyRank, ...row }) => ({
    ...row,
    key: query ? { rank: Number(keyRank), at, id: row.id } : { at, id: row.id },
  }));
  return options.before ? listed.reverse() : listed;
}

/** Serialises one account's posting (across processes) for the rest of the transaction. */
export async function lockPoster(tx: DbOrTx, userId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${'posts:' + userId}, 0))`);
}

/** Cases and replies the user created after `since`, and the oldest of them. */
export async function countPostsSince(db: DbOrTx, userId: string, since: Date): Promise<{ count: number; oldest: Date | null }> {
  const result = await db.execute<{ count: string; oldest: Date | string | null }>(sql`
    select count(*) as count, min(created_at) as oldest from (
      select ${cases.createdAt} as created_at from ${cases} where ${cases.authorId} = ${userId} and ${cases.createdAt} > ${since.toISOString()}
      union all
      select ${replies.createdAt} from ${replies} where ${replies.authorId} = ${userId} and ${replies.createdAt} > ${since.toISOString()}
    ) recent`);
  const row = result.rows[0]!;
  return { count: Number(row.count), oldest: row.oldest === null ? null : new Date(row.oldest) };
}

export async function insertRevision(
  db: DbOrTx,
  values: { targetType: ContentType | 'outcome'; targetId: string; editorId: string; previous: Record<string, unknown>; createdAt: Date },
): Promise<void> {
  await db.insert(contentRevisions).values(values);
}

export interface StoredAcknowledgement {
  targetType: ContentType;
  targetId: string;
  field: string;
  start: number;
  end: number;
  type: string;
  text: string;
}

export async function insertAcknowledgements(
  db: DbOrTx,
  rows: StoredAcknowledgement[],
  acknowledgedBy: string,
  at: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(phiAcknowledgements).values(rows.map((row) => ({ ...row, acknowledgedBy, createdAt: at })));
}

/** The acknowledged findings of several pieces of content, for moderators. */
export async function listAcknowledgements(db: DbOrTx, targetIds: string[]): Promise<StoredAcknowledgement[]> {
  if (targetIds.length === 0) return [];
  const rows = await db
    .select({
      targetType: phiAcknowledgements.targetType,
      targetId: phiAcknowledgements.targetId,
      field: phiAcknowledgements.field,
      start: phiAcknowledgements.start,
      end: phiAcknowledgements.end,
      type: phiAcknowledgements.type,
      text: phiAcknowledgements.text,
    })
    .from(phiAcknowledgements)
    .where(inArray(phiAcknowledgements.targetId, targetIds))
    .orderBy(asc(phiAcknowledgements.createdAt));
  return rows as StoredAcknowledgement[];
}

/** Locks the case row until commit (every write to a thread goes through it, in this order). */
export async function lockCase(tx: DbOrTx, id: string): Promise<boolean> {
  const rows = await tx.select({ id: cases.id }).from(cases).where(eq(cases.id, id)).for('update');
  return rows.length > 0;
}

export async function findCaseViews(db: DbOrTx, ids: string[]): Promise<CaseView[]> {
  if (ids.length === 0) return [];
  return db
    .select({ ...caseColumns, ...authorFields })
    .from(cases)
    .innerJoin(users, eq(users.id, cases.authorId))
    .where(inArray(cases.id, ids));
}
