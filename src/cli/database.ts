import { loadConfig } from '../config.js';
import { connectDatabase, type DatabaseHandle } from '../db/client.js';
import { resolveDatabase } from '../db/database-url.js';
import { createBus, publishCommittedEvents } from '../modules/live/buses.js';

/**
 * Opens the database the server would use (DATABASE_URL or the embedded one), runs `work`,
 * and always releases what it opened.
 */
export async function withDatabase<T>(
  stderr: NodeJS.WritableStream,
  work: (database: DatabaseHandle) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const resolved = await resolveDatabase(config, { info: (msg) => stderr.write(`${msg}\n`) });
  const database = connectDatabase(resolved.url, { max: 4 });
  // Running servers hear of what a command changed (a suspension, a revoked session) on the live bus.
  const log = { info: () => {}, warn: (_: object, msg: string) => stderr.write(`warning: ${msg}\n`) };
  const bus = createBus(config, database, log);
  const natsStarted = config.LIVE_BUS === 'nats' ? bus.start().then(() => true, () => false) : Promise.resolve(false);
  const stopPublishing = publishCommittedEvents(database, bus);
  try {
    await natsStarted;
    return await work(database);
  } finally {
    await stopPublishing();
    if (await natsStarted) await bus.stop();
    await database.close();
    await resolved.stop();
  }
}
