import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import {
  caseWatches,
  notifications,
  notificationSettings,
  specialtyFollows,
  userFollows,
  users,
} from '../../db/schema/index.js';
import type { NotificationKind } from '../mail/templates.js';

/** Users who may read clinical content: the only ones who get notifications. */
const CLINICIAN = sql`(u.role in ('moderator', 'admin') or (u.role = 'physician' and u.verification = 'verified'))`;

export interface InsertedNotification {
  id: string;
  userId: string;
  email: string;
  mode: 'off' | 'instant' | 'daily';
  urgent: boolean;
  quietStart: number | null;
  quietEnd: number | null;
  timeZone: string;
}

/** Who gets a notification: given ids, or everyone watching a case (read in the same statement). */
export type Recipients = string[] | { watchersOf: string };

/**
 * One row per recipient who may still read clinical content, in one statement; returns each
 * with the mail settings needed to decide how to tell them. Rows that will not wait for a
 * digest are marked mailed at once (their mail, if any, is queued by the caller).
 */
export async function insertNotifications(
  tx: DbOrTx,
  values: { recipients: Recipients; type: NotificationKind; caseId: string | null; replyId: string | null; actorId: string | null; batch: string; now: Date },
): Promise<InsertedNotification[]> {
  const wanted = Array.isArray(values.recipients)
    ? sql`u.id = any(${sql.param(values.recipients)}::uuid[])`
    : sql`u.id in (select w.user_id from case_watches w where w.case_id = ${values.recipients.watchersOf})`;
  const now = values.now.toISOString();
  const result = await tx.execute<{
    id: string;
    user_id: string;
    email: string;
    mode: InsertedNotification['mode'] | null;
    urgent: boolean | null;
    quiet_start: number | null;
    quiet_end: number | null;
    time_zone: string | null;
  }>(sql`
    with recipients as (
      select u.id, u.email, s.email as mode, s.urgent, s.quiet_start, s.quiet_end, s.time_zone
      from users u left join notification_settings s on s.user_id = u.id
      where ${wanted} and u.id is distinct from ${values.actorId}::uuid and ${CLINICIAN}
    ), inserted as (
      insert into notifications (user_id, type, case_id, reply_id, actor_id, batch, created_at, mailed_at)
      select id, ${values.type}::notification_type, ${values.caseId}::uuid, ${values.replyId}::uuid, ${values.actorId}::uuid, ${values.batch}::uuid,
        ${now}::timestamptz,
        case when coalesce(mode, 'instant') = 'daily' and not (${values.type} = 'urgent_case' and coalesce(urgent, true)) then null else ${now}::timestamptz end
      from recipients
      returning id, user_id
    )
    select i.id, i.user_id, r.email, r.mode, r.urgent, r.quiet_start, r.quiet_end, r.time_zone
    from inserted i join recipients r on r.id = i.user_id`);
  return result.rows.map((row) => ({
    id: row.id,
    userId: row.user_id,
    email: row.email,
    mode: row.mode ?? 'instant',
    urgent: row.urgent ?? true,
    quietStart: row.quiet_start,
    quietEnd: row.quiet_end,
    timeZone: row.time_zone ?? 'UTC',
  }));
}

export async function markMailed(tx: DbOrTx, ids: string[], now: Date): Promise<void> {
  if (ids.length) await tx.update(notifications).set({ mailedAt: now }).where(inArray(notifications.id, ids));
}

export async function watcherIds(db: DbOrTx, caseId: string): Promise<string[]> {
  const rows = await db.select({ userId: caseWatches.userId }).from(caseWatches).where(eq(caseWatches.caseId, caseId));
  return rows.map((r) => r.userId);
}

export async function replierIds(db: DbOrTx, caseId: string): Promise<string[]> {
  const result = await db.execute<{ author_id: string }>(
    sql`select distinct author_id from replies where case_id = ${caseId} and deleted_at is null and hidden_at is null`,
  );
  return result.rows.map((r) => r.author_id);
}

export async function addWatch(db: DbOrTx, userId: string, caseId: string, now: Date): Promise<void> {
  await db.insert(caseWatches).values({ userId, caseId, createdAt: now }).onConflictDoNothing();
}

export async function removeWatch(db: DbOrTx, userId: string, caseId: string): Promise<void> {
  await db.delete(caseWatches).where(and(eq(caseWatches.userId, userId), eq(caseWatches.caseId, caseId)));
}

export async function isWatching(db: DbOrTx, userId: string, caseId: string): Promise<boolean> {
  const rows = await db.select({ userId: caseWatches.userId }).from(caseWatches).where(and(eq(caseWatches.userId, userId), eq(caseWatches.caseId, caseId)));
  return rows.length > 0;
}

export async function specialtyFollowerIds(db: DbOrTx, specialty: string): Promise<string[]> {
  const rows = await db.select({ userId: specialtyFollows.userId }).from(specialtyFollows).where(eq(specialtyFollows.specialty, specialty));
  return rows.map((r) => r.userId);
}

export async function handleFollowerIds(db: DbOrTx, followeeId: string): Promise<string[]> {
  const rows = await db.select({ userId: userFollows.followerId }).from(userFollows).where(eq(userFollows.followeeId, followeeId));
  return rows.map((r) => r.userId);
}

export async function listFollows(db: DbOrTx, userId: string): Promise<{ specialties: string[]; handles: string[] }> {
  const specialties = await db.select({ s: specialtyFollows.specialty }).from(specialtyFollows).where(eq(specialtyFollows.userId, userId)).orderBy(specialtyFollows.specialty);
  const handles = await db
    .select({ h: users.handle })
    .from(userFollows)
    .innerJoin(users, eq(users.id, userFollows.followeeId))
    .where(eq(userFollows.followerId, userId))
    .orderBy(users.handle);
  return { specialties: specialties.map((r) => r.s), handles: handles.map((r) => r.h) };
}

export async function findUserIdsByHandle(db: DbOrTx, handles: string[]): Promise<Map<string, string>> {
  if (!handles.length) return new Map();
  const rows = await db.select({ id: users.id, handle: users.handle }).from(users).where(inArray(users.handle, handles));
  return new Map(rows.map((r) => [r.handle, r.id]));
}

export async function replaceFollows(tx: DbOrTx, userId: string, specialties: string[], followeeIds: string[]): Promise<void> {
  await tx.delete(specialtyFollows).where(eq(specialtyFollows.userId, userId));
  await tx.delete(userFollows).where(eq(userFollows.followerId, userId));
  if (specialties.length) await tx.insert(specialtyFollows).values(specialties.map((specialty) => ({ userId, specialty })));
  if (followeeIds.length) await tx.insert(userFollows).values(followeeIds.map((followeeId) => ({ followerId: userId, followeeId })));
}

export type SettingsRow = typeof notificationSettings.$inferSelect;

export async function findSettings(db: DbOrTx, userId: string): Promise<SettingsRow | undefined> {
  const [row] = await db.select().from(notificationSettings).where(eq(notificationSettings.userId, userId));
  return row;
}

export async function upsertSettings(db: DbOrTx, values: typeof notificationSettings.$inferInsert): Promise<SettingsRow> {
  const { userId: _userId, ...changes } = values;
  const [row] = await db.insert(notificationSettings).values(values).onConflictDoUpdate({ target: notificationSettings.userId, set: changes }).returning();
  return row!;
}

export interface NotificationView {
  id: string;
  userId: string;
  type: NotificationKind;
  caseId: string | null;
  replyId: string | null;
  createdAt: Date;
  readAt: Date | null;
  actorHandle: string | null;
  caseTitle: string | null;
  caseSpecialty: string | null;
  caseAuthorId: string | null;
  caseHiddenAt: Date | null;
  caseDeletedAt: Date | null;
}

function viewQuery(db: DbOrTx) {
  return db
    .select({
      id: notifications.id,
      userId: notifications.userId,
      type: notifications.type,
      caseId: notifications.caseId,
      replyId: notifications.replyId,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
      actorHandle: sql<string | null>`(select handle from users a where a.id = ${notifications.actorId})`,
      caseTitle: sql<string | null>`c.title`,
      caseSpecialty: sql<string | null>`c.specialty`,
      caseAuthorId: sql<string | null>`c.author_id`,
      caseHiddenAt: sql<Date | null>`c.hidden_at`.mapWith((v) => (v ? new Date(v) : null)),
      caseDeletedAt: sql<Date | null>`c.deleted_at`.mapWith((v) => (v ? new Date(v) : null)),
    })
    .from(notifications)
    .leftJoin(sql`cases c`, sql`c.id = ${notifications.caseId}`);
}

export async function listNotificationViews(
  db: DbOrTx,
  userId: string,
  options: { after?: { at: string; id: string }; limit: number },
): Promise<NotificationView[]> {
  const after = options.after
    ? or(lt(notifications.createdAt, sql`${options.after.at}::timestamptz`), and(eq(notifications.createdAt, sql`${options.after.at}::timestamptz`), lt(notifications.id, options.after.id)))
    : undefined;
  return viewQuery(db)
    .where(and(eq(notifications.userId, userId), after))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(options.limit);
}

export async function listBatchViews(db: DbOrTx, batch: string): Promise<NotificationView[]> {
  return viewQuery(db).where(eq(notifications.batch, batch));
}

export async function countUnread(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

export async function markRead(db: DbOrTx, userId: string, ids: string[] | 'all', now: Date): Promise<void> {
  const which = ids === 'all' ? undefined : inArray(notifications.id, ids);
  await db.update(notifications).set({ readAt: now }).where(and(eq(notifications.userId, userId), isNull(notifications.readAt), which));
}

/** Daily-digest users' notifications not yet mailed, counted by type per user. */
export async function pendingDigests(db: DbOrTx, until: Date): Promise<Array<{ userId: string; email: string; counts: Record<string, number>; ids: string[] }>> {
  const result = await db.execute<{ user_id: string; email: string; type: string; n: number; ids: string[] }>(sql`
    select n.user_id, u.email, n.type, count(*)::int as n, array_agg(n.id) as ids
    from notifications n
    join notification_settings s on s.user_id = n.user_id and s.email = 'daily'
    join users u on u.id = n.user_id
    where n.mailed_at is null and n.created_at <= ${until.toISOString()}
    group by n.user_id, u.email, n.type`);
  const byUser = new Map<string, { userId: string; email: string; counts: Record<string, number>; ids: string[] }>();
  for (const row of result.rows) {
    let entry = byUser.get(row.user_id);
    if (!entry) byUser.set(row.user_id, (entry = { userId: row.user_id, email: row.email, counts: {}, ids: [] }));
    entry.counts[row.type] = row.n;
    entry.ids.push(...row.ids);
  }
  return [...byUser.values()];
}

export async function findCaseForFollowup(db: DbOrTx, caseId: string) {
  const result = await db.execute<{ author_id: string; specialty: string; has_outcome: boolean; gone: boolean }>(
    sql`select author_id, specialty, outcome is not null as has_outcome, (deleted_at is not null or hidden_at is not null) as gone from cases where id = ${caseId}`,
  );
  return result.rows[0];
}
