import type { RegistryEntry } from '../registry/service.js';
import type { VerificationRow } from './repo.js';
import type { ownVerification, queueItem } from './schemas.js';
import type { z } from 'zod';

export function presentOwnVerification(row: VerificationRow): z.infer<typeof ownVerification> {
  return {
    id: row.id,
    status: row.status,
    npi: row.npi,
    firstName: row.firstName,
    lastName: row.lastName,
    state: row.state,
    country: row.country,
    registry: row.registry,
    licenceNumber: row.licenceNumber,
    registryMatch: row.registryMatch,
    specialty: row.specialty,
    decisionReason: row.decisionReason,
    createdAt: row.createdAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
  };
}

export interface Applicant {
  id: string;
  handle: string;
  email: string;
  role: string;
  verification: string;
}

export interface OtherClaim {
  userId: string;
  handle: string;
  status: string;
}

export function presentQueueItem(
  row: VerificationRow,
  applicant: Applicant,
  entry: RegistryEntry | undefined,
  otherClaims: OtherClaim[] = [],
): z.infer<typeof queueItem> {
  const evidence = {
    duplicateNpi: otherClaims.length > 0,
    registryMatch: row.registryMatch,
    nameMatch: row.nameMatch,
    physicianTaxonomy: row.physicianTaxonomy,
    taxonomyCodes: row.taxonomyCodes,
    licenceStates: row.licenceStates,
    stateMatch: row.state !== null && row.licenceStates.includes(row.state),
    deactivatedOn: row.deactivatedOn,
  };
  return {
    ...presentOwnVerification(row),
    ...evidence,
    evidence,
    reopenReason: row.reopenReason,
    npiAlsoClaimedBy: otherClaims,
    decidedBy: row.decidedBy,
    userId: applicant.id,
    handle: applicant.handle,
    email: applicant.email,
    applicant,
    registryEntry: entry
      ? {
          entityType: entry.entityType,
          firstName: entry.firstName,
          middleName: entry.middleName,
          lastName: entry.lastName,
          credential: entry.credential,
          practiceState: entry.practiceState,
          primaryTaxonomy: entry.primaryTaxonomy,
          licenceNumbers: entry.licenceNumbers,
          licenceStates: entry.licenceStates,
          deactivationDate: entry.deactivationDate,
          reactivationDate: entry.reactivationDate,
          lastUpdateDate: entry.lastUpdateDate,
        }
      : null,
  };
}
