import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { writeBackup } from '../../db/backup/dump.js';
import { restoreBackup } from '../../db/backup/restore.js';
import { parseOptions, UsageError, withDatabase, type Command } from '../command.js';

function fileArgument(args: string[]): string {
  const { positionals } = parseOptions(args, {});
  if (positionals.length !== 1) throw new UsageError('give exactly one FILE');
  return positionals[0]!;
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Progress on stderr: a line per table, and on a terminal a running count for a long table. */
function progressTo(stderr: NodeJS.WritableStream) {
  const tty = (stderr as { isTTY?: boolean }).isTTY === true;
  let lastDraw = 0;
  return {
    reading(table: string, bytes: number) {
      if (!tty || Date.now() - lastDraw < 250) return;
      lastDraw = Date.now();
      stderr.write(`\r  ${table}: ${megabytes(bytes)}…`);
    },
    tableDone(table: string, rows: number, bytes?: number) {
      stderr.write(`${tty ? '\r\x1b[K' : ''}  ${table}: ${rows} rows${bytes === undefined ? '' : `, ${megabytes(bytes)}`}\n`);
    },
  };
}

export const backupCommand: Command = {
  words: ['backup'],
  usage: 'backup FILE',
  summary: 'write a consistent logical backup (gzip) of the database to FILE',
  async run({ args, stdout, stderr }) {
    const file = fileArgument(args);
    // Written beside the target and renamed at the end: a failed backup never looks complete.
    const partial = `${file}.partial`;
    const started = Date.now();
    const summary = await withDatabase(stderr, async (database) => {
      try {
        return await writeBackup(database.url, createWriteStream(partial, { mode: 0o600 }), progressTo(stderr));
      } catch (error) {
        rmSync(partial, { force: true });
        throw error;
      }
    });
    renameSync(partial, file);
    stdout.write(
      `${JSON.stringify({ file, tables: summary.tables, rows: summary.rows, migrations: summary.migrations.count, seconds: (Date.now() - started) / 1000 })}\n`,
    );
  },
};

export const restoreCommand: Command = {
  words: ['restore'],
  usage: 'restore FILE',
  summary: 'restore a backup into an empty database, then apply newer migrations',
  async run({ args, stdout, stderr }) {
    const file = fileArgument(args);
    const started = Date.now();
    const summary = await withDatabase(stderr, (database) => restoreBackup(database.url, createReadStream(file), progressTo(stderr)));
    stdout.write(
      `${JSON.stringify({ file, tables: summary.tables, rows: summary.rows, migrations: summary.migrations.count, seconds: (Date.now() - started) / 1000 })}\n`,
    );
  },
};
