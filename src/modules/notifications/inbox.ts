import { z } from 'zod';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/client.js';
import { isId } from '../../domain/ids.js';
import { BadRequestError, NotFoundError, ValidationError } from '../../errors.js';
import type { Viewer } from '../auth/session-types.js';
import { canReadCase } from '../cases/policy.js';
import type { CasesService } from '../cases/service.js';
import { presentNotification, presentSettings } from './presenters.js';
import { isTimeZone } from './quiet-hours.js';
import {
  addWatch,
  countUnread,
  findSettings,
  findUserIdsByHandle,
  isWatching,
  listFollows,
  listNotificationViews,
  markRead,
  removeWatch,
  replaceFollows,
  upsertSettings,
} from './repo.js';
import type { NotificationSettings, PublicNotification, SettingsInput } from './schemas.js';

/** What a physician does with their own notifications, watches, follows and settings. */
export interface InboxDeps {
  db: Database;
  clock: Clock;
  cases: Pick<CasesService, 'findById'>;
}

const cursorSchema = z.strictObject({ t: z.iso.datetime(), i: z.uuid() });

function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const parsed = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { at: parsed.t, id: parsed.i };
  } catch {
    throw new BadRequestError('the cursor is not one this server handed out');
  }
}

export async function listNotifications(
  deps: InboxDeps,
  viewer: Viewer,
  query: { cursor?: string; limit: number },
): Promise<{ items: PublicNotification[]; unread: number; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await listNotificationViews(deps.db, viewer.userId, { after, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last ? Buffer.from(JSON.stringify({ t: last.createdAt.toISOString(), i: last.id })).toString('base64url') : null;
  return { items: page.map((row) => presentNotification(row, viewer)), unread: await countUnread(deps.db, viewer.userId), nextCursor };
}

export function unreadCount(deps: Pick<InboxDeps, 'db'>, viewer: Viewer): Promise<number> {
  return countUnread(deps.db, viewer.userId);
}

export async function markNotificationsRead(deps: InboxDeps, viewer: Viewer, which: { ids: string[] } | { all: true }): Promise<void> {
  await markRead(deps.db, viewer.userId, 'all' in which ? 'all' : which.ids, deps.clock.now());
}

async function readableCase(deps: InboxDeps, viewer: Viewer, caseId: string) {
  const kase = await deps.cases.findById(caseId);
  if (!kase || !canReadCase(viewer, kase)) throw new NotFoundError('case');
  return kase;
}

export async function setWatching(deps: InboxDeps, viewer: Viewer, caseId: string, watch: boolean): Promise<boolean> {
  await readableCase(deps, viewer, caseId);
  if (watch) await addWatch(deps.db, viewer.userId, caseId, deps.clock.now());
  else await removeWatch(deps.db, viewer.userId, caseId);
  return watch;
}

export async function watching(deps: InboxDeps, viewer: Viewer, caseId: string): Promise<boolean> {
  return isId(caseId) ? isWatching(deps.db, viewer.userId, caseId) : false;
}

export function getFollows(deps: InboxDeps, viewer: Viewer) {
  return listFollows(deps.db, viewer.userId);
}

/** Replaces both lists; an unknown pseudonym (or one's own) is a 422 naming it. */
export async function putFollows(deps: InboxDeps, viewer: Viewer, input: { specialties: string[]; handles: string[] }) {
  const handles = [...new Set(input.handles.map((h) => h.trim()))];
  const ids = await findUserIdsByHandle(deps.db, handles);
  const unknown = handles.filter((h) => !ids.has(h));
  if (unknown.length) throw new ValidationError('unknown_handle', `no colleague has the pseudonym ${unknown.map((h) => `"${h}"`).join(', ')}`, 'handles');
  if (handles.includes(viewer.handle)) throw new ValidationError('cannot_follow_self', 'you cannot follow yourself', 'handles');
  await deps.db.transaction((tx) => replaceFollows(tx, viewer.userId, [...new Set(input.specialties)], [...ids.values()]));
  return listFollows(deps.db, viewer.userId);
}

export async function getSettings(deps: InboxDeps, viewer: Viewer): Promise<NotificationSettings> {
  return presentSettings(await findSettings(deps.db, viewer.userId));
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export async function putSettings(deps: InboxDeps, viewer: Viewer, input: SettingsInput): Promise<NotificationSettings> {
  if (input.timeZone !== undefined && !isTimeZone(input.timeZone)) throw new ValidationError('invalid_time_zone', 'timeZone must be an IANA time zone such as Europe/Berlin', 'timeZone');
  const current = await findSettings(deps.db, viewer.userId);
  const quiet = input.quietHours === undefined ? { quietStart: current?.quietStart ?? null, quietEnd: current?.quietEnd ?? null } : input.quietHours === null ? { quietStart: null, quietEnd: null } : { quietStart: minutesOf(input.quietHours.start), quietEnd: minutesOf(input.quietHours.end) };
  const row = await upsertSettings(deps.db, {
    userId: viewer.userId,
    email: input.email,
    urgent: input.urgent,
    ...quiet,
    timeZone: input.timeZone ?? current?.timeZone ?? 'UTC',
    updatedAt: deps.clock.now(),
  });
  return presentSettings(row);
}
