import { runMigrations } from '../../db/migrate.js';
import { withDatabase, type Command } from '../command.js';

export const migrateCommand: Command = {
  words: ['migrate'],
  usage: 'migrate',
  summary: 'apply the committed database migrations',
  async run({ stdout, stderr }) {
    await withDatabase(stderr, async (database) => {
      await runMigrations(database.db);
    });
    stdout.write('migrations applied\n');
  },
};
