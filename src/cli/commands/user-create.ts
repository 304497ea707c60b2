import { createInterface } from 'node:readline';
import { z } from 'zod';
import { isSpecialty, SPECIALTIES } from '../../domain/specialties.js';
import { AppError } from '../../errors.js';
import { systemAuditContext } from '../../modules/audit/service.js';
import { parseOptions, UsageError, type Command, withDatabase } from '../command.js';

const ROLES = ['physician', 'moderator', 'admin'] as const;
type StaffRole = (typeof ROLES)[number];

/** The first line of stdin, without its line ending; the password never appears in argv. */
async function firstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  const lines = createInterface({ input: stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

export const userCreateCommand: Command = {
  words: ['user', 'create'],
  usage: 'user create --email E --role physician|moderator|admin [--specialty S]',
  summary: 'create a verified account; the password is the first line of stdin',
  async run({ args, stdin, stdout, stderr }) {
    const { values, positionals } = parseOptions(args, {
      email: { type: 'string' },
      role: { type: 'string' },
      specialty: { type: 'string' },
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const email = values.email?.trim();
    if (!email) throw new UsageError('--email is required');
    if (!z.email().safeParse(email).success) throw new UsageError(`"${email}" is not an email address`);
    if (!values.role || !(ROLES as readonly string[]).includes(values.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    const specialty = values.specialty ?? null;
    if (specialty !== null && !isSpecialty(specialty)) throw new UsageError(`--specialty must be one of ${SPECIALTIES.join(', ')}`);
    if ((stdin as { isTTY?: boolean }).isTTY) stderr.write('password (first line of stdin): ');
    const password = await firstLine(stdin);
    if (!password) throw new UsageError('give the password as the first line of stdin');

    await withDatabase(stderr, async (_database, services) => {
      try {
        const user = await services.auth.createVerifiedAccount({
          input: { email, password, role: values.role as StaffRole, specialty },
          audit: systemAuditContext,
        });
        stdout.write(`${JSON.stringify({ id: user.id, handle: user.handle, email: user.email, role: user.role, specialty: user.specialty })}\n`);
      } catch (error) {
        // Rule failures (weak password, email taken) are the operator's to fix: one clear line.
        if (error instanceof AppError) throw new Error(`${error.message} (${error.code})`);
        throw error;
      }
    });
  },
};
