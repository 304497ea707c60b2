import { isDeactivated, type RegistryEntry } from '../registry/service.js';
import { sameName } from './names.js';

/** What the moderator weighs, as stored on the request. */
export interface Evidence {
  registryMatch: boolean;
  nameMatch: boolean;
  physicianTaxonomy: boolean;
  taxonomyCodes: string[];
  licenceStates: string[];
  deactivatedOn: string | null;
}

export const NO_EVIDENCE: Evidence = {
  registryMatch: false,
  nameMatch: false,
  physicianTaxonomy: false,
  taxonomyCodes: [],
  licenceStates: [],
  deactivatedOn: null,
};

/** Physician taxonomies: 207* allopathic and osteopathic physicians, 208* the rest. */
export function isPhysicianTaxonomy(code: string): boolean {
  return code.startsWith('207') || code.startsWith('208');
}

/**
 * Evidence from the registry entry for the claimed NPI. Only an individual (entity type 1) is
 * a registry match: an organisation's NPI says nothing about a person.
 */
export function evidenceFor(claim: { firstName: string; lastName: string }, entry: RegistryEntry | undefined): Evidence {
  if (!entry) return NO_EVIDENCE;
  const individual = entry.entityType === 1;
  return {
    registryMatch: individual,
    nameMatch: individual && sameName(claim.firstName, entry.firstName) && sameName(claim.lastName, entry.lastName),
    physicianTaxonomy: entry.taxonomyCodes.some(isPhysicianTaxonomy),
    taxonomyCodes: entry.taxonomyCodes,
    licenceStates: [...new Set(entry.licenceStates.filter(Boolean))],
    deactivatedOn: isDeactivated(entry) ? entry.deactivationDate : null,
  };
}
