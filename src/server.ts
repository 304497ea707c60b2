import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { connectDatabase } from './db/client.js';
import { resolveDatabase } from './db/database-url.js';
import { EmbeddedDatabaseError } from './db/embedded.js';
import { runMigrations } from './db/migrate.js';

/** Starts the process: config, database, migrations, app, listen, and an orderly shutdown. */
async function main(): Promise<void> {
  const config = loadConfig();
  const bootLog = { info: (msg: string) => console.log(JSON.stringify({ level: 30, time: Date.now(), msg })) };
  const resolved = await resolveDatabase(config, bootLog);
  const database = connectDatabase(resolved.url, {
    max: config.DATABASE_POOL_SIZE,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
  });
  const app = await (async () => {
    try {
      await runMigrations(database.db);
      return await buildApp({ config, database });
    } catch (error) {
      await database.close();
      await resolved.stop();
      throw error;
    }
  })();

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    // A request or socket that never finishes must not keep the process alive forever.
    setTimeout(() => {
      app.log.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out: exiting anyway');
      void resolved.stop().finally(() => process.exit(1));
    }, config.SHUTDOWN_TIMEOUT_MS).unref();
    // Fastify stops accepting, lets in-flight requests finish, then runs onClose hooks.
    await app.close();
    await database.close();
    await resolved.stop();
    app.log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    await app.listen({ port: config.PORT, host: config.HOST });
  } catch (error) {
    await app.close();
    await database.close();
    await resolved.stop();
    throw error;
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof EmbeddedDatabaseError) {
    console.error(`curbside: ${error.message}`);
  } else {
    console.error('curbside: failed to start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
