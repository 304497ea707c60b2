import type { DbOrTx } from '../../db/client.js';
import { findRegistryRows, type RegistryRow } from './repo.js';

export type RegistryEntry = RegistryRow;

/**
 * NPPES marks a number deactivated with a deactivation date; a reactivation date later than
 * it makes the number active again. Dates are ISO strings, so they compare as text.
 */
export function isDeactivated(entry: Pick<RegistryEntry, 'deactivationDate' | 'reactivationDate'>): boolean {
  if (!entry.deactivationDate) return false;
  return !entry.reactivationDate || entry.reactivationDate <= entry.deactivationDate;
}

export async function lookupNpi(db: DbOrTx, npi: string): Promise<RegistryEntry | undefined> {
  const [row] = await findRegistryRows(db, [npi]);
  return row;
}

/** Entries for many numbers at once, keyed by NPI; looked up in chunks to keep queries small. */
export async function lookupNpis(db: DbOrTx, npis: string[]): Promise<Map<string, RegistryEntry>> {
  const unique = [...new Set(npis)];
  const found = new Map<string, RegistryEntry>();
  for (let i = 0; i < unique.length; i += 1000) {
    for (const row of await findRegistryRows(db, unique.slice(i, i + 1000))) found.set(row.npi, row);
  }
  return found;
}
