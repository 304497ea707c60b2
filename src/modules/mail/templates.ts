/**
 * Every e-mail Curbside sends. A template sees only what its data type allows: the kind of
 * event, a specialty and links. Case text, titles and anything tied to a patient are not in
 * the data types, so no template can carry them (test/modules/mail/templates.test.ts).
 */
export type NotificationKind = 'reply' | 'helpful' | 'solved' | 'outcome' | 'urgent_case' | 'new_case' | 'followup' | 'alert';

export type MailData =
  | { template: 'notification'; kind: NotificationKind; specialty: string | null; link: string; settingsLink: string }
  | { template: 'digest'; counts: Partial<Record<NotificationKind, number>>; link: string; settingsLink: string }
  | { template: 'password-reset'; link: string; minutes: number };

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const WHAT: Record<NotificationKind, string> = {
  reply: 'A colleague replied to a case you follow',
  helpful: 'Your reply was marked helpful',
  solved: 'A case you follow was marked solved',
  outcome: 'The outcome of a case you replied to was posted',
  urgent_case: 'A new urgent case was posted',
  new_case: 'A colleague you follow posted a new case',
  followup: 'How did your case turn out? Post the outcome',
  alert: 'A public-health alert was posted',
};

const PLURAL: Record<NotificationKind, string> = {
  reply: 'new replies',
  helpful: 'replies marked helpful',
  solved: 'cases solved',
  outcome: 'outcomes posted',
  urgent_case: 'urgent cases',
  new_case: 'new cases by colleagues you follow',
  followup: 'outcome reminders',
  alert: 'alerts',
};

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function html(lines: string[], link: { href: string; label: string }, footer: string): string {
  const paragraphs = lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n');
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif">\n${paragraphs}\n<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>\n<p style="color:#666;font-size:small">${escapeHtml(footer)}</p>\n</body></html>\n`;
}

const FOOTER = 'Curbside never sends case details by e-mail. Change what we send in your settings';

export function renderMail(data: MailData): RenderedMail {
  switch (data.template) {
    case 'notification': {
      const what = WHAT[data.kind];
      const where = data.specialty ? `Specialty: ${data.specialty.replaceAll('-', ' ')}.` : '';
      const lines = [`${what}.`, where, 'Log in to read it.'].filter(Boolean);
      return {
        subject: `Curbside: ${what.charAt(0).toLowerCase()}${what.slice(1)}`,
        text: `${lines.join('\n')}\n\n${data.link}\n\n${FOOTER}: ${data.settingsLink}\n`,
        html: html(lines, { href: data.link, label: 'Open Curbside' }, `${FOOTER}: ${data.settingsLink}`),
      };
    }
    case 'digest': {
      const entries = (Object.entries(data.counts) as Array<[NotificationKind, number]>).filter(([, n]) => n > 0);
      const total = entries.reduce((sum, [, n]) => sum + n, 0);
      const lines = [`Since your last digest: ${total} notification${total === 1 ? '' : 's'}.`, ...entries.map(([kind, n]) => `${n} ${PLURAL[kind]}`)];
      return {
        subject: `Curbside: your daily digest (${total})`,
        text: `${lines.join('\n')}\n\n${data.link}\n\n${FOOTER}: ${data.settingsLink}\n`,
        html: html(lines, { href: data.link, label: 'See your notifications' }, `${FOOTER}: ${data.settingsLink}`),
      };
    }
    case 'password-reset': {
      const lines = [
        'Someone asked to reset the password of your Curbside account.',
        `The link below works once, for ${data.minutes} minutes. If it was not you, ignore this message: your password stays as it is.`,
      ];
      return {
        subject: 'Curbside: reset your password',
        text: `${lines.join('\n')}\n\n${data.link}\n`,
        html: html(lines, { href: data.link, label: 'Choose a new password' }, 'Resetting the password logs you out everywhere.'),
      };
    }
  }
}
