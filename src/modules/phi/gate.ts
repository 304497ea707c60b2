import type { PhiType } from './detector.js';
import { scanText } from './scan.js';

/** A finding in one named field of a write (a case's body, a reply's text). */
export interface FieldFinding {
  field: string;
  start: number;
  end: number;
  type: PhiType;
  text: string;
  acknowledgeable: boolean;
}

/**
 * The author's "this is not PHI" for one finding, named by field and offsets, and optionally by
 * the finding's text: an acknowledgement with `text` still holds after edits elsewhere in the
 * field move the finding.
 */
export interface Acknowledgement {
  field: string;
  start: number;
  end: number;
  text?: string;
}

/** An acknowledgement already stored with the content: it holds for the same text in the same field. */
export interface StoredAcknowledgementText {
  field: string;
  text: string;
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
  /** Strong findings the author tried to acknowledge: they must be edited instead. */
  notAcknowledgeable: FieldFinding[];
}

/** Scans each non-empty field; findings are ordered by field name, then by offset. */
export function scanFields(fields: Record<string, string | undefined | null>): FieldFinding[] {
  return Object.keys(fields)
    .sort()
    .flatMap((field) => {
      const value = fields[field];
      if (typeof value !== 'string' || value.length === 0) return [];
      return scanText(value).map((f) => ({ field, ...f }));
    });
}

function names(a: Acknowledgement, f: FieldFinding): boolean {
  if (a.field !== f.field) return false;
  if (a.text !== undefined) return a.text === f.text;
  return a.start === f.start && a.end === f.end;
}

/**
 * Decides a write under the PHI gate.
 *
 * - no findings and no acknowledgements: `clean`;
 * - every finding acknowledged, now or before (same field and text), and none of them strong:
 *   `acknowledged`;
 * - otherwise `refused`. An acknowledgement of a strong finding lists it in `notAcknowledgeable`
 *   (the author must edit it); one that names no finding of this text (stale offsets) is listed in
 *   `unmatchedAcknowledgements`, so the author rescans and acknowledges what the scanner sees now.
 */
export function evaluateGate(
  fields: Record<string, string | undefined | null>,
  acknowledge: Acknowledgement[] = [],
  stored: StoredAcknowledgementText[] = [],
): GateDecision {
  const findings = scanFields(fields);
  const storedKeys = new Set(stored.map((s) => `${s.field}\u0000${s.text}`));
  const isAcknowledged = (f: FieldFinding): boolean => acknowledge.some((a) => names(a, f)) || (f.acknowledgeable && storedKeys.has(`${f.field}\u0000${f.text}`));
  const notAcknowledgeable = findings.filter((f) => !f.acknowledgeable && acknowledge.some((a) => names(a, f)));
  const unacknowledged = findings.filter((f) => !isAcknowledged(f) || !f.acknowledgeable);
  const unmatchedAcknowledgements = acknowledge.filter((a) => !findings.some((f) => names(a, f)));
  let outcome: GateOutcome;
  if (unacknowledged.length > 0 || unmatchedAcknowledgements.length > 0) outcome = 'refused';
  else if (findings.length > 0) outcome = 'acknowledged';
  else outcome = 'clean';
  return { outcome, findings, unacknowledged, unmatchedAcknowledgements, notAcknowledgeable };
}
