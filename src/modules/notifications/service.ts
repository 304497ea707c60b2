import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock.js';
import type { Database, DbOrTx, Tx } from '../../db/client.js';
import type { Scheduler } from '../jobs/service.js';
import { publishUserEvent } from '../live/bus.js';
import type { Mailer } from '../mail/service.js';
import type { NotificationKind } from '../mail/templates.js';
import { afterQuietHours } from './quiet-hours.js';
import {
  addWatch,
  findCaseForFollowup,
  handleFollowerIds,
  insertNotifications,
  markMailed,
  pendingDigests,
  replierIds,
  specialtyFollowerIds,
  watcherIds,
  type InsertedNotification,
  type Recipients,
} from './repo.js';

export interface NotifyDeps {
  db: Database;
  clock: Clock;
  mailer: Mailer;
  scheduler: Scheduler;
  /** PUBLIC_ORIGIN: mails link back to the site. */
  origin: string;
}

/** The few facts about a case that notifying needs; never its text. */
export interface CaseRef {
  id: string;
  authorId: string;
  specialty: string;
}

export const FOLLOWUP_STAGES = [
  { stage: '48h', afterMs: 48 * 60 * 60_000 },
  { stage: '14d', afterMs: 14 * 24 * 60 * 60_000 },
] as const;

/**
 * What the case write paths call, inside their own transaction: a notification exists exactly
 * when the reply, case or outcome does, and its NOTIFY is sent on commit.
 */
export interface CaseNotifier {
  caseCreated(tx: Tx, kase: CaseRef & { urgency: 'routine' | 'urgent'; createdAt: Date }): Promise<void>;
  replyCreated(tx: Tx, kase: CaseRef, reply: { id: string; authorId: string }): Promise<void>;
  helpfulMarked(tx: Tx, kase: CaseRef, reply: { id: string; authorId: string }): Promise<void>;
  solved(tx: Tx, kase: CaseRef): Promise<void>;
  outcomePosted(tx: Tx, kase: CaseRef): Promise<void>;
}

function needsMailNow(type: NotificationKind, r: InsertedNotification): 'now' | 'after-quiet' | 'digest' | 'never' {
  if (type === 'urgent_case' && r.urgent) return 'now';
  if (r.mode === 'instant') return 'after-quiet';
  return r.mode === 'daily' ? 'digest' : 'never';
}

/** Stores one kind of notification for many users, queues their mail, and announces the batch. */
export async function deliver(
  tx: DbOrTx,
  deps: Pick<NotifyDeps, 'mailer' | 'origin' | 'clock'>,
  event: { type: NotificationKind; caseId: string | null; replyId: string | null; actorId: string | null; specialty: string | null; recipients: Recipients },
): Promise<number> {
  const recipients = Array.isArray(event.recipients) ? [...new Set(event.recipients)].filter((id) => id !== event.actorId) : event.recipients;
  if (Array.isArray(recipients) && !recipients.length) return 0;
  const now = deps.clock.now();
  const batch = randomUUID();
  const rows = await insertNotifications(tx, { recipients, type: event.type, caseId: event.caseId, replyId: event.replyId, actorId: event.actorId, batch, now });
  if (!rows.length) return 0;
  const link = event.caseId ? `${deps.origin}/cases/${event.caseId}${event.type === 'followup' ? '#outcome' : ''}` : `${deps.origin}/notifications`;
  const mails: Parameters<Mailer['enqueueMany']>[1] = [];
  for (const row of rows) {
    // The same rule the insert used to leave digest rows unmailed.
    const how = needsMailNow(event.type, row);
    if (how === 'digest' || how === 'never') continue;
    const notBefore = how === 'now' ? now : afterQuietHours(now, { start: row.quietStart, end: row.quietEnd, timeZone: row.timeZone });
    mails.push({
      to: row.email,
      data: { template: 'notification', kind: event.type, specialty: event.specialty, link, settingsLink: `${deps.origin}/settings` },
      notBefore,
    });
  }
  await deps.mailer.enqueueMany(tx, mails);
  publishUserEvent(tx, { kind: 'notifications', id: batch, userId: rows.length === 1 ? rows[0]!.userId : undefined });
  return rows.length;
}

export function createCaseNotifier(deps: NotifyDeps): CaseNotifier {
  const send = (tx: Tx, event: Parameters<typeof deliver>[2]) => deliver(tx, deps, event);
  return {
    async caseCreated(tx, kase) {
      await addWatch(tx, kase.authorId, kase.id, kase.createdAt);
      await deps.scheduler.schedule(
        tx,
        FOLLOWUP_STAGES.map(({ stage, afterMs }) => ({
          kind: 'followup',
          key: `followup:${kase.id}:${stage}`,
          runAt: new Date(kase.createdAt.getTime() + afterMs),
          payload: { caseId: kase.id },
        })),
      );
      const urgentTo = kase.urgency === 'urgent' ? await specialtyFollowerIds(tx, kase.specialty) : [];
      const base = { caseId: kase.id, replyId: null, actorId: kase.authorId, specialty: kase.specialty };
      await send(tx, { ...base, type: 'urgent_case', recipients: urgentTo });
      const urgentSet = new Set(urgentTo);
      const byHandle = (await handleFollowerIds(tx, kase.authorId)).filter((id) => !urgentSet.has(id));
      await send(tx, { ...base, type: 'new_case', recipients: byHandle });
      // Open case lists on every process show it without a reload.
      publishUserEvent(tx, { kind: 'case.created', id: kase.id });
    },
    async replyCreated(tx, kase, reply) {
      await addWatch(tx, reply.authorId, kase.id, deps.clock.now());
      await send(tx, { type: 'reply', caseId: kase.id, replyId: reply.id, actorId: reply.authorId, specialty: kase.specialty, recipients: { watchersOf: kase.id } });
    },
    async helpfulMarked(tx, kase, reply) {
      await send(tx, { type: 'helpful', caseId: kase.id, replyId: reply.id, actorId: kase.authorId, specialty: kase.specialty, recipients: [reply.authorId] });
    },
    async solved(tx, kase) {
      await send(tx, { type: 'solved', caseId: kase.id, replyId: null, actorId: kase.authorId, specialty: kase.specialty, recipients: { watchersOf: kase.id } });
    },
    async outcomePosted(tx, kase) {
      const people = [...(await replierIds(tx, kase.id)), ...(await watcherIds(tx, kase.id))];
      await send(tx, { type: 'outcome', caseId: kase.id, replyId: null, actorId: kase.authorId, specialty: kase.specialty, recipients: people });
    },
  };
}

/** Job: remind the author to post the outcome, unless it is there or the case is gone. */
export function followupJob(deps: Pick<NotifyDeps, 'mailer' | 'origin' | 'clock'>) {
  return async (tx: Tx, payload: Record<string, unknown>) => {
    const caseId = String(payload.caseId);
    const kase = await findCaseForFollowup(tx, caseId);
    if (!kase || kase.has_outcome || kase.gone) return;
    await deliver(tx, deps, { type: 'followup', caseId, replyId: null, actorId: null, specialty: kase.specialty, recipients: [kase.author_id] });
  };
}

/** The daily digest is due at 07:00 UTC; its key names the day, so each day's runs once. */
export const DIGEST_HOUR_UTC = 7;

export const dailyDigest = {
  kind: 'digest',
  next(now: Date) {
    const day = now.toISOString().slice(0, 10);
    return { key: `digest:${day}`, runAt: new Date(`${day}T${String(DIGEST_HOUR_UTC).padStart(2, '0')}:00:00.000Z`) };
  },
};

/** Job: one mail per daily-digest user with the counts of what they have not been mailed. */
export function digestJob(deps: Pick<NotifyDeps, 'mailer' | 'origin'>) {
  return async (tx: Tx, _payload: Record<string, unknown>, now: Date) => {
    const digests = await pendingDigests(tx, now);
    await deps.mailer.enqueueMany(
      tx,
      digests.map((d) => ({
        to: d.email,
        data: { template: 'digest', counts: d.counts, link: `${deps.origin}/notifications`, settingsLink: `${deps.origin}/settings` },
      })),
    );
    await markMailed(tx, digests.flatMap((d) => d.ids), now);
  };
}
