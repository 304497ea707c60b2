import { ConfigError } from '../config.js';
import { EmbeddedDatabaseError } from '../db/embedded.js';
import { auditVerifyCommand } from './commands/audit-verify.js';
import { backupCommand, restoreCommand } from './commands/backup.js';
import { migrateCommand } from './commands/migrate.js';
import { npiImportCommand } from './commands/npi-import.js';
import { userCreateCommand } from './commands/user-create.js';
import { phiScanCommand } from './commands/phi-scan.js';
import { UsageError, type Command, type CommandContext } from './command.js';

export { UsageError };

export const commands: Command[] = [migrateCommand, userCreateCommand, npiImportCommand, phiScanCommand, backupCommand, restoreCommand, auditVerifyCommand];

export function helpText(): string {
  const lines = commands.map((c) => `  ${c.usage.padEnd(58)} ${c.summary}`);
  return [
    'Usage: curbside <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'The database is DATABASE_URL when set, otherwise the embedded PostgreSQL in DATA_DIR (./.data).',
  ].join('\n');
}

export function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  for (const command of commands) {
    if (command.words.every((word, i) => argv[i] === word)) {
      return { command, rest: argv.slice(command.words.length) };
    }
  }
  return undefined;
}

/** Returns the exit code; only the bin entry decides to exit. */
export type CliIo = Omit<CommandContext, 'args'>;

export async function runCli(argv: string[], io: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(helpText() + '\n');
    return argv.length === 0 ? 1 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr.write(`curbside: unknown command "${argv.join(' ')}"\n\n${helpText()}\n`);
    return 2;
  }
  if (found.rest.includes('--help')) {
    io.stdout.write(`Usage: curbside ${found.command.usage}\n  ${found.command.summary}\n`);
    return 0;
  }
  try {
    await found.command.run({ args: found.rest, ...io });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`curbside: ${error.message}\nUsage: curbside ${found.command.usage}\n`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof EmbeddedDatabaseError) {
      io.stderr.write(`curbside: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`curbside: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
