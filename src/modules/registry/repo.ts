import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { npiRegistry } from '../../db/schema/index.js';

export type RegistryRow = typeof npiRegistry.$inferSelect;

export async function findRegistryRows(db: DbOrTx, npis: string[]): Promise<RegistryRow[]> {
  if (npis.length === 0) return [];
  return db.select().from(npiRegistry).where(inArray(npiRegistry.npi, npis));
}
