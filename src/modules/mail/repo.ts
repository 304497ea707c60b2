import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { mailOutbox } from '../../db/schema/index.js';

export interface NewMail {
  to: string;
  template: string;
  subject: string;
  text: string;
  html: string;
  /** Not sent before this time (quiet hours). */
  notBefore: Date;
  createdAt: Date;
}

export async function insertMails(db: DbOrTx, mails: NewMail[]): Promise<void> {
  if (!mails.length) return;
  await db.insert(mailOutbox).values(
    mails.map((m) => ({ to: m.to, template: m.template, subject: m.subject, text: m.text, html: m.html, nextAttemptAt: m.notBefore, createdAt: m.createdAt })),
  );
}

export interface ClaimedMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attempts: number;
}

/**
 * Locks one due, unsent mail for the caller's transaction. SKIP LOCKED lets every process
 * drain the queue at once without two of them ever holding the same row.
 */
export async function claimDueMail(tx: DbOrTx, now: Date): Promise<ClaimedMail | undefined> {
  const result = await tx.execute<{ id: string; to: string; subject: string; text: string; html: string; attempts: number }>(sql`
    select id, "to", subject, text, html, attempts from mail_outbox
    where sent_at is null and next_attempt_at <= ${now.toISOString()}
    order by next_attempt_at, id
    limit 1
    for update skip locked`);
  return result.rows[0];
}

export async function markMailSent(tx: DbOrTx, id: string, now: Date): Promise<void> {
  await tx.execute(sql`update mail_outbox set sent_at = ${now.toISOString()}, attempts = attempts + 1, last_error = null where id = ${id}`);
}

export async function markMailFailed(tx: DbOrTx, id: string, retryAt: Date, error: string): Promise<void> {
  await tx.execute(
    sql`update mail_outbox set attempts = attempts + 1, next_attempt_at = ${retryAt.toISOString()}, last_error = ${error} where id = ${id}`,
  );
}
