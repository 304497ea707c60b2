import { PhiDetectedError } from '../../errors.js';
import { evaluateGate, type Acknowledgement, type FieldFinding } from '../phi/gate.js';

export type { Acknowledgement, FieldFinding };

export interface PhiCheck {
  /** Findings the author acknowledged; stored beside the content for moderators. */
  acknowledged: FieldFinding[];
  /** Set when the write must be refused; thrown by the caller once it has checked 404/403 first. */
  refusal?: PhiDetectedError;
}

/**
 * Runs a write's text fields through the PHI gate (src/modules/phi/gate.ts). A refusal is the
 * SPEC's 422 `phi_detected` listing every finding the scanner sees in this text, with offsets
 * and the matched text so the page can highlight them; acknowledging exactly those findings
 * lets the same write through. Pure CPU, so callers run it before taking any row lock.
 */
export function checkPhi(fields: Record<string, string | undefined | null>, acknowledge: Acknowledgement[] = []): PhiCheck {
  const decision = evaluateGate(fields, acknowledge);
  if (decision.outcome !== 'refused') return { acknowledged: decision.findings };
  const findings = decision.findings.map(({ field, start, end, type, text }) => ({ field, start, end, type, text }));
  const message =
    decision.unacknowledged.length > 0
      ? 'the text may contain protected health information; edit it, or acknowledge each finding that is not PHI'
      : 'an acknowledgement names no finding in this text; scan again and acknowledge exactly the findings';
  return { acknowledged: [], refusal: new PhiDetectedError(message, findings, decision.unmatchedAcknowledgements) };
}
