import { parseArgs } from 'node:util';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { connectDatabase, type DatabaseHandle } from '../db/client.js';
import { resolveDatabase } from '../db/database-url.js';
import { createServices, type Services } from '../services.js';

/** What every command shares: its I/O, its option parser, its usage errors and its database. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CommandContext {
  args: string[];
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface Command {
  /** Words that select the command, e.g. ['npi', 'import']. */
  words: string[];
  usage: string;
  summary: string;
  run(context: CommandContext): Promise<void>;
}

type ParseArgsOptions = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

export function parseOptions<T extends ParseArgsOptions>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Opens the database the server would use (DATABASE_URL or the embedded one) and the services
 * over it, runs `work`, and always releases what it opened.
 */
export async function withDatabase<T>(stderr: NodeJS.WritableStream, work: (database: DatabaseHandle, services: Services) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const resolved = await resolveDatabase(config, { info: (msg) => stderr.write(`${msg}\n`) }, { shareRunning: true });
  const database = connectDatabase(resolved.url, { max: 4 });
  try {
    return await work(database, createServices({ db: database.db, clock: systemClock, config }));
  } finally {
    await database.close();
    await resolved.stop();
  }
}
