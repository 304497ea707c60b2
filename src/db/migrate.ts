import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { Database } from './client.js';

/** src/db and dist/db sit at the same depth, so this resolves from both. */
export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Applies every committed migration not yet applied; errors propagate to the caller. */
export async function runMigrations(db: Database): Promise<void> {
  await migrate(db, { migrationsFolder });
}
