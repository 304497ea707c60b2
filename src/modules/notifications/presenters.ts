import type { Viewer } from '../auth/session-types.js';
import { canReadCase } from '../cases/policy.js';
import type { NotificationView, SettingsRow } from './repo.js';
import type { NotificationSettings, PublicNotification } from './schemas.js';

export function presentNotification(row: NotificationView, viewer: Viewer): PublicNotification {
  const readable =
    row.caseId !== null &&
    row.caseAuthorId !== null &&
    canReadCase(viewer, { authorId: row.caseAuthorId, hiddenAt: row.caseHiddenAt, deletedAt: row.caseDeletedAt });
  return {
    id: row.id,
    type: row.type,
    caseId: row.caseId,
    replyId: row.replyId,
    actor: row.actorHandle ? { handle: row.actorHandle } : null,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt ? row.readAt.toISOString() : null,
    case: readable ? { title: row.caseTitle!, specialty: row.caseSpecialty! } : null,
  };
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

export function presentSettings(row: SettingsRow | undefined): NotificationSettings {
  return {
    email: row?.email ?? 'instant',
    urgent: row?.urgent ?? true,
    quietHours: row && row.quietStart !== null && row.quietEnd !== null ? { start: hhmm(row.quietStart), end: hhmm(row.quietEnd) } : null,
    timeZone: row?.timeZone ?? 'UTC',
  };
}
