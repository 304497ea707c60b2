import type { Clock } from '../../clock.js';
import type { Database, DbOrTx } from '../../db/client.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import { recordAudit, systemAuditContext, type AuditContext } from '../audit/service.js';
import { endAllSessions } from '../auth/sessions.js';
import { isDeactivated, lookupNpi, lookupNpis, type RegistryEntry } from '../registry/service.js';
import { findUserById, markPending, reject, suspend, verify } from '../users/service.js';
import { evidenceFor, NO_EVIDENCE } from './evidence.js';
import { isId } from '../../domain/ids.js';
import { isValidNpi } from '../../domain/npi.js';
import { mayDecide, submitRefusal } from './policy.js';
import { presentQueueItem, type Applicant } from './presenters.js';
import {
  countVerifications,
  approvedNpisOfVerifiedPhysicians,
  findVerificationForUpdate,
  insertVerification,
  latestVerificationOf,
  claimsOfNpis,
  listVerifications,
  pendingWithNpi,
  supersedePending,
  updateVerification,
  type NewVerification,
  type VerificationRow,
  type VerificationStatus,
} from './repo.js';
import type { DecisionInput, Submission } from './schemas.js';
import { US_STATE_CODES } from './us-states.js';

export interface VerificationDeps {
  db: Database;
  clock: Clock;
}

type RequiredField = 'firstName' | 'lastName' | 'country' | 'registry' | 'licenceNumber';
const REQUIRED_CODES = {
  firstName: 'first_name_required',
  lastName: 'last_name_required',
  country: 'country_required',
  registry: 'registry_required',
  licenceNumber: 'licence_number_required',
} as const;

function required(value: string, field: RequiredField, label: string): string {
  const trimmed = value.trim();
  if (!trimmed) throw new ValidationError(REQUIRED_CODES[field], `${label} is required`, field);
  return trimmed;
}

/** The claim with every rule checked: a bad NPI check digit is refused here, before any lookup. */
function normaliseClaim(input: Submission): Omit<NewVerification, 'userId'> {
  const firstName = required(input.firstName, 'firstName', 'first name');
  const lastName = required(input.lastName, 'lastName', 'last name');
  if ('npi' in input) {
    const npi = input.npi.trim();
    if (!/^\d{10}$/.test(npi)) throw new ValidationError('invalid_npi', 'an NPI is exactly 10 digits', 'npi');
    if (!isValidNpi(npi)) throw new ValidationError('invalid_npi', 'this NPI fails its check digit; check the number for a typo', 'npi');
    const state = input.state.trim().toUpperCase();
    if (!US_STATE_CODES.has(state)) throw new ValidationError('invalid_state', 'state must be a two-letter US state code such as NY', 'state');
    return { npi, firstName, lastName, state };
  }
  return {
    country: required(input.country, 'country', 'country'),
    registry: required(input.registry, 'registry', 'registering body'),
    licenceNumber: required(input.licenceNumber, 'licenceNumber', 'licence number'),
    firstName,
    lastName,
  };
}

/**
 * Files a verification request, with the registry evidence captured now, and puts the account
 * in "pending". An earlier pending request of the same applicant is superseded.
 */
async function submitVerification(
  deps: VerificationDeps,
  { userId, input, audit }: { userId: string; input: Submission; audit: AuditContext },
): Promise<VerificationRow> {
  const claim = normaliseClaim(input);
  return deps.db.transaction(async (tx) => {
    const user = await findUserById(tx, userId);
    if (!user) throw new NotFoundError('account');
    const refusal = submitRefusal(user);
    if (refusal === 'already_verified') throw new ConflictError('this account is already verified', refusal);
    if (refusal === 'account_suspended') {
      throw new ForbiddenError('this account is suspended and already waiting for a moderator', refusal);
    }
    if (refusal) throw new ForbiddenError('only applicants submit verification requests', refusal);

    const entry = claim.npi ? await lookupNpi(tx, claim.npi) : undefined;
    const evidence = claim.npi ? evidenceFor(claim, entry) : NO_EVIDENCE;
    const superseded = await supersedePending(tx, userId);
    const request = await insertVerification(tx, { ...claim, ...evidence, userId, createdAt: deps.clock.now() });
    await markPending(tx, { userId, now: deps.clock.now() });
    await recordAudit(tx, audit, {
      action: 'verification.requested',
      targetType: 'verification_request',
      targetId: request.id,
      data: { userId, kind: claim.npi ? 'npi' : 'licence', registryMatch: evidence.registryMatch, superseded },
    });
    return request;
  });
}

async function ownVerification(deps: Pick<VerificationDeps, 'db'>, { userId }: { userId: string }): Promise<VerificationRow | undefined> {
  return latestVerificationOf(deps.db, userId);
}

async function withRegistry(db: DbOrTx, rows: { request: VerificationRow; applicant: Applicant }[]) {
  const npis = [...new Set(rows.flatMap((r) => (r.request.npi ? [r.request.npi] : [])))];
  const [entries, claims] = await Promise.all([lookupNpis(db, npis), claimsOfNpis(db, npis)]);
  return rows.map((r) => {
    const npi = r.request.npi;
    const others = npi
      ? claims.filter((c) => c.npi === npi && c.userId !== r.applicant.id).map(({ userId, handle, status }) => ({ userId, handle, status }))
      : [];
    return presentQueueItem(r.request, r.applicant, npi ? entries.get(npi) : undefined, others);
  });
}

/**
 * The queue shows who applicants are (names, e-mail, NPI): each opening is an audit event
 * naming the accounts whose identity data the moderator saw.
 */
async function verificationQueue(
  deps: Pick<VerificationDeps, 'db'>,
  { status, limit, audit }: { status: VerificationStatus; limit: number; audit: AuditContext },
) {
  const items = await withRegistry(deps.db, await listVerifications(deps.db, status, limit));
  await recordAudit(deps.db, audit, {
    action: 'identity.viewed',
    targetType: 'verification_queue',
    targetId: status,
    data: { userIds: items.map((item) => item.userId) },
  });
  return items;
}

/** How many requests wait for a moderator. */
export async function countPendingVerifications(deps: Pick<VerificationDeps, 'db'>): Promise<number> {
  return countVerifications(deps.db, 'pending');
}

/**
 * A moderator's decision. Approving needs the verified specialty and makes the applicant a
 * verified physician; rejecting needs a reason, which the applicant sees. Only a pending
 * request can be decided (409 otherwise), and the row is locked while deciding.
 */
async function decideVerification(
  deps: VerificationDeps,
  { moderatorId, requestId, input, audit }: { moderatorId: string; requestId: string; input: DecisionInput; audit: AuditContext },
) {
  if (!isId(requestId)) throw new NotFoundError('verification request');
  if (input.decision === 'approve' && !input.specialty) {
    throw new ValidationError('specialty_required', 'approving needs the verified specialty', 'specialty');
  }
  const reason = input.reason?.trim() || null;
  if (input.decision === 'reject' && !reason) {
    throw new ValidationError('reason_required', 'rejecting needs a reason the applicant will see', 'reason');
  }
  return deps.db.transaction(async (tx) => {
    const request = await findVerificationForUpdate(tx, requestId);
    if (!request) throw new NotFoundError('verification request');
    if (!mayDecide(moderatorId, request)) throw new ForbiddenError('nobody decides their own verification request', 'own_request');
    if (request.status !== 'pending') throw new ConflictError(`this request is already ${request.status}`, 'already_decided');
    const user = await findUserById(tx, request.userId);
    if (!user) throw new NotFoundError('account');
    const now = deps.clock.now();

    const approve = input.decision === 'approve';
    const updatedRequest = (await updateVerification(tx, request.id, {
      status: approve ? 'approved' : 'rejected',
      ...(approve ? { specialty: input.specialty! } : {}),
      decidedBy: moderatorId,
      decidedAt: now,
      decisionReason: reason,
    }))!;
    await recordAudit(tx, audit, {
      action: approve ? 'verification.approved' : 'verification.rejected',
      targetType: 'verification_request',
      targetId: request.id,
      data: { userId: user.id, specialty: input.specialty ?? null, reason },
    });
    const change = { user, now, audit, cause: `verification.${input.decision}` };
    const role = approve ? await verify(tx, { ...change, specialty: input.specialty! }) : await reject(tx, { ...change, reason: reason! });
    const [item] = await withRegistry(tx, [
      { request: updatedRequest, applicant: { id: user.id, handle: user.handle, email: user.email, role, verification: input.decision === 'approve' ? 'verified' : 'rejected' } },
    ]);
    return item!;
  });
}

export interface RecheckResult {
  suspended: number;
  refreshed: number;
}

function deactivationReason(npi: string, entry: RegistryEntry): string {
  return `NPPES lists NPI ${npi} as deactivated on ${entry.deactivationDate}`;
}

/**
 * After a registry import: every verified physician whose NPI is now deactivated, and was not
 * already deactivated in the evidence the moderator approved, is suspended (sessions revoked
 * at once) and put back in the queue; each account in its own transaction with its audit
 * events. Pending requests get fresh evidence so the queue shows the new registry state.
 */
async function recheckRegistry(deps: VerificationDeps, { audit = systemAuditContext }: { audit?: AuditContext } = {}): Promise<RecheckResult> {
  let suspended = 0;
  const approved = await approvedNpisOfVerifiedPhysicians(deps.db);
  const entries = await lookupNpis(deps.db, approved.map((r) => r.npi!));
  for (const request of approved) {
    const entry = entries.get(request.npi!);
    if (!entry || !isDeactivated(entry) || entry.deactivationDate === request.deactivatedOn) continue;
    if (await suspendForDeactivation(deps, request, entry, audit)) suspended++;
  }

  let refreshed = 0;
  const pending = await pendingWithNpi(deps.db);
  const pendingEntries = await lookupNpis(deps.db, pending.map((r) => r.npi!));
  for (const request of pending) {
    const evidence = evidenceFor(request, pendingEntries.get(request.npi!));
    const changed = (Object.keys(evidence) as (keyof typeof evidence)[]).some(
      (k) => JSON.stringify(evidence[k]) !== JSON.stringify(request[k]),
    );
    if (!changed) continue;
    await updateVerification(deps.db, request.id, evidence);
    refreshed++;
  }
  return { suspended, refreshed };
}

async function suspendForDeactivation(deps: VerificationDeps, approved: VerificationRow, entry: RegistryEntry, audit: AuditContext): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const user = await findUserById(tx, approved.userId);
    // Checked again inside the transaction: a moderator may have acted since the scan.
    if (!user || user.verification !== 'verified' || user.role !== 'physician') return false;
    const now = deps.clock.now();
    const reason = deactivationReason(approved.npi!, entry);
    const revoked = await endAllSessions(tx, user.id, now, 'suspended');
    await suspend(tx, {
      user,
      statusReason: `Your account is suspended: ${reason}. A moderator will review it.`,
      now,
      audit,
      data: { reason, npi: approved.npi, sessionsRevoked: revoked.length },
    });
    await supersedePending(tx, user.id);
    const reopened = await insertVerification(tx, {
      userId: user.id,
      npi: approved.npi,
      firstName: approved.firstName,
      lastName: approved.lastName,
      state: approved.state,
      ...evidenceFor(approved, entry),
      reopenReason: reason,
      specialty: approved.specialty,
      createdAt: now,
    });
    await recordAudit(tx, audit, {
      action: 'verification.reopened',
      targetType: 'verification_request',
      targetId: reopened.id,
      data: { userId: user.id, reason, previous: approved.id },
    });
    return true;
  });
}

/** Verification requests, the moderators' decisions and the registry re-check, bound to their dependencies. */
export function createVerificationService(deps: VerificationDeps) {
  return {
    submit: (options: Parameters<typeof submitVerification>[1]) => submitVerification(deps, options),
    own: (options: Parameters<typeof ownVerification>[1]) => ownVerification(deps, options),
    queue: (options: Parameters<typeof verificationQueue>[1]) => verificationQueue(deps, options),
    decide: (options: Parameters<typeof decideVerification>[1]) => decideVerification(deps, options),
    recheckRegistry: (options: Parameters<typeof recheckRegistry>[1] = {}) => recheckRegistry(deps, options),
  };
}

export type VerificationService = ReturnType<typeof createVerificationService>;
