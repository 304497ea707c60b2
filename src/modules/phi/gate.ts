import { detectPhi, type PhiType } from './detector.js';

/** A finding in one named field of a write (a case's body, a reply's text). */
export interface FieldFinding {
  field: string;
  start: number;
  end: number;
  type: PhiType;
  text: string;
}

/** The author's "this is not PHI" for one finding, named by field and offsets. */
export interface Acknowledgement {
  field: string;
  start: number;
  end: number;
}

export type GateOutcome = 'clean' | 'acknowledged' | 'refused';

export interface GateDecision {
  outcome: GateOutcome;
  /** Every finding in the fields, acknowledged or not. */
  findings: FieldFinding[];
  /** Findings the author has not acknowledged; empty unless refused. */
  unacknowledged: FieldFinding[];
  /** Acknowledgements that name no finding; a write with any of them is refused. */
  unmatchedAcknowledgements: Acknowledgement[];
}

/** Scans each non-empty field; findings are ordered by field name, then by offset. */
export function scanFields(fields: Record<string, string | undefined | null>): FieldFinding[] {
  return Object.keys(fields)
    .sort()
    .flatMap((field) => {
      const value = fields[field];
      if (typeof value !== 'string' || value.length === 0) return [];
      return detectPhi(value).map((f) => ({ field, ...f }));
    });
}

function key(a: { field: string; start: number; end: number }): string {
  return `${a.field}\u0000${a.start}\u0000${a.end}`;
}

/**
 * Decides a write under the PHI gate.
 *
 * - no findings and no acknowledgements: `clean`;
 * - every finding acknowledged exactly (same field, start and end): `acknowledged`;
 * - otherwise `refused`, with the findings still unacknowledged.
 *
 * An acknowledgement must name a finding of this very text: one that names no finding (stale
 * offsets after an edit, or an attempt to pre-approve spans) refuses the write and is listed in
 * `unmatchedAcknowledgements`, so the author rescans and acknowledges what the scanner sees now.
 */
export function evaluateGate(fields: Record<string, string | undefined | null>, acknowledge: Acknowledgement[] = []): GateDecision {
  const findings = scanFields(fields);
  const acknowledged = new Set(acknowledge.map(key));
  const found = new Set(findings.map(key));
  const unacknowledged = findings.filter((f) => !acknowledged.has(key(f)));
  const unmatchedAcknowledgements = acknowledge.filter((a) => !found.has(key(a)));
  let outcome: GateOutcome;
  if (unacknowledged.length > 0 || unmatchedAcknowledgements.length > 0) outcome = 'refused';
  else if (findings.length > 0) outcome = 'acknowledged';
  else outcome = 'clean';
  return { outcome, findings, unacknowledged, unmatchedAcknowledgements };
}
