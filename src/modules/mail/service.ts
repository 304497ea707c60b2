import type { Clock } from '../../clock.js';
import type { Database, DbOrTx } from '../../db/client.js';
import { claimDueMail, insertMails, markMailFailed, markMailSent } from './repo.js';
import { renderMail, type MailData } from './templates.js';
import type { MailTransport } from './transport.js';

export interface Mailer {
  /** Queues a message in the caller's transaction: it exists exactly when the change does. */
  enqueue(tx: DbOrTx, to: string, data: MailData, options?: { notBefore?: Date }): Promise<void>;
  enqueueMany(tx: DbOrTx, mails: Array<{ to: string; data: MailData; notBefore?: Date }>): Promise<void>;
  /** Tries every due message this process can claim; returns how many it tried. */
  drain(): Promise<number>;
}

interface Logger {
  warn(obj: object, msg: string): void;
}

const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 60 * 60_000;

/** 30 s, 1 min, 2 min … capped at an hour: a mail is never dropped, only delayed. */
export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** attempts, MAX_RETRY_MS);
}

export function createMailer(deps: { db: Database; clock: Clock; transport: MailTransport; log: Logger }): Mailer {
  const { db, clock, transport, log } = deps;
  let draining: Promise<number> | null = null;

  const enqueueMany: Mailer['enqueueMany'] = async (tx, mails) => {
    const now = clock.now();
    await insertMails(
      tx,
      mails.map(({ to, data, notBefore }) => ({ to, template: data.template, ...renderMail(data), notBefore: notBefore ?? now, createdAt: now })),
    );
  };

  /**
   * One mail per transaction: the row stays locked while SMTP takes it, then is marked sent in
   * the same transaction. Another process skips a locked row, so nothing goes out twice; a
   * refused or unreachable server leaves it queued with a later attempt time.
   */
  async function sendOne(): Promise<boolean> {
    return db.transaction(async (tx) => {
      const mail = await claimDueMail(tx, clock.now());
      if (!mail) return false;
      try {
        await transport.send(mail);
        await markMailSent(tx, mail.id, clock.now());
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        // Logged by id and code only: an SMTP error can quote the recipient's address.
        log.warn({ mailId: mail.id, attempts: mail.attempts + 1, code: (error as { code?: string }).code }, 'mail not sent; will retry');
        await markMailFailed(tx, mail.id, new Date(clock.now().getTime() + retryDelayMs(mail.attempts)), reason.slice(0, 500));
      }
      return true;
    });
  }

  async function drainAll(): Promise<number> {
    let sent = 0;
    const started = clock.now().getTime();
    // Each claimed mail is either sent or rescheduled into the future, so this loop ends.
    while (await sendOne()) {
      sent++;
      if (clock.now().getTime() - started > 60_000) break;
    }
    return sent;
  }

  return {
    enqueue: (tx, to, data, options = {}) => enqueueMany(tx, [{ to, data, notBefore: options.notBefore }]),
    enqueueMany,
    drain() {
      // One drain at a time per process; concurrent callers share it.
      draining ??= drainAll().finally(() => (draining = null));
      return draining;
    },
  };
}
