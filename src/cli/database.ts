import { loadConfig } from '../config.js';
import { connectDatabase, type DatabaseHandle } from '../db/client.js';
import { resolveDatabase } from '../db/database-url.js';

/**
 * Opens the database the server would use (DATABASE_URL or the embedded one), runs `work`,
 * and always releases what it opened.
 */
export async function withDatabase<T>(
  stderr: NodeJS.WritableStream,
  work: (database: DatabaseHandle) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const resolved = await resolveDatabase(config, { info: (msg) => stderr.write(`${msg}\n`) }, { shareRunning: true });
  const database = connectDatabase(resolved.url, { max: 4 });
  try {
    return await work(database);
  } finally {
    await database.close();
    await resolved.stop();
  }
}
