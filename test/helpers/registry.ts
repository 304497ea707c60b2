import type { DatabaseHandle } from '../../src/db/client.js';
import { npiRegistry } from '../../src/db/schema/index.js';

export type RegistryFixture = typeof npiRegistry.$inferInsert;

/** Puts entries straight into the local registry table, as an import would have left them. */
export async function seedRegistry(database: DatabaseHandle, rows: RegistryFixture[]): Promise<void> {
  await database.db.insert(npiRegistry).values(rows);
}

export const OKAFOR: RegistryFixture = {
  npi: '1234567893',
  entityType: 1,
  firstName: 'CHIAMAKA',
  lastName: 'OKAFOR',
  middleName: 'N',
  credential: 'MD',
  practiceState: 'NY',
  taxonomyCodes: ['207RC0000X', '207R00000X'],
  primaryTaxonomy: '207RC0000X',
  licenceNumbers: ['123456', 'A9988'],
  licenceStates: ['NY', 'NJ'],
};
