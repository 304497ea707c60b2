import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../../config.js';

export interface OutgoingMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Hands one message to the outside world; throws when it was not accepted. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

function message(from: string, mail: OutgoingMail) {
  // The outbox id as Message-ID: a receiver can tell a retried message from a new one.
  return { from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: `<${mail.id}@curbside>` };
}

/**
 * SMTP when SMTP_URL is set (config refuses production without it); otherwise each message is
 * written as an .eml file to DATA_DIR/outbox/ for a developer to open.
 */
export function createTransport(config: Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'DATA_DIR'>): MailTransport {
  if (config.SMTP_URL) {
    const smtp = nodemailer.createTransport(config.SMTP_URL, {
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    } as object);
    return {
      async send(mail) {
        await smtp.sendMail(message(config.MAIL_FROM, mail));
      },
      close: () => smtp.close(),
    };
  }
  const outbox = path.join(config.DATA_DIR, 'outbox');
  const files = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await files.sendMail(message(config.MAIL_FROM, mail));
      await mkdir(outbox, { recursive: true });
      await writeFile(path.join(outbox, `${mail.id}.eml`), info.message as Buffer, { mode: 0o600 });
    },
    close: () => files.close(),
  };
}
