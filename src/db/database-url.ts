import type { Config } from '../config.js';
import { runningEmbeddedUrl, startEmbeddedPostgres } from './embedded.js';

export interface ResolvedDatabase {
  url: string;
  /** Stops what this process started (the embedded server); a no-op for an external server. */
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when given, otherwise the embedded PostgreSQL in DATA_DIR. With `shareRunning`
 * (the CLI) an embedded cluster a running server already keeps there is used as it is, and left
 * running; the server itself refuses to share a data directory.
 */
export async function resolveDatabase(
  config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>,
  log: { info(msg: string): void },
  options: { shareRunning?: boolean } = {},
): Promise<ResolvedDatabase> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, stop: async () => {} };
  const running = options.shareRunning ? runningEmbeddedUrl(config.DATA_DIR) : null;
  if (running) return { url: running, stop: async () => {} };
  return startEmbeddedPostgres(config.DATA_DIR, log);
}
