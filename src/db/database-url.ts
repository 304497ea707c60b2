import type { Config } from '../config.js';
import { startEmbeddedPostgres } from './embedded.js';

export interface ResolvedDatabase {
  url: string;
  /** Stops what this process started (the embedded server); a no-op for an external server. */
  stop(): Promise<void>;
}

/** DATABASE_URL when given, otherwise the embedded PostgreSQL in DATA_DIR. */
export async function resolveDatabase(
  config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR'>,
  log: { info(msg: string): void },
): Promise<ResolvedDatabase> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, stop: async () => {} };
  return startEmbeddedPostgres(config.DATA_DIR, log);
}
