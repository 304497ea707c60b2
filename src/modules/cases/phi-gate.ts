import { PhiDetectedError, PhiNotAcknowledgeableError } from '../../errors.js';
import { evaluateGate, type Acknowledgement, type FieldFinding, type StoredAcknowledgementText } from '../phi/gate.js';

export type { Acknowledgement, FieldFinding };

export interface PhiCheck {
  /** Findings the author acknowledged; stored beside the content for moderators. */
  acknowledged: FieldFinding[];
  /** Set when the write must be refused; thrown by the caller once it has checked 404/403 first. */
  refusal?: PhiDetectedError | PhiNotAcknowledgeableError;
}

/**
 * Runs a write's text fields through the PHI gate (src/modules/phi/gate.ts). A refusal is the
 * SPEC's 422 `phi_detected` listing every finding the scanner sees in this text, with offsets
 * and the matched text so the page can highlight them; acknowledging exactly those findings
 * lets the same write through, unless one is strong (`acknowledgeable:false`): that is 422
 * `phi_not_acknowledgeable`. `stored` are the acknowledgements already kept with the content, so
 * an edit elsewhere in a field keeps them. Asynchronous so the scan can leave the event loop; callers await it before taking any row lock.
 */
export async function checkPhi(
  fields: Record<string, string | undefined | null>,
  acknowledge: Acknowledgement[] = [],
  stored: StoredAcknowledgementText[] = [],
): Promise<PhiCheck> {
  const decision = evaluateGate(fields, acknowledge, stored);
  if (decision.outcome !== 'refused') return { acknowledged: decision.findings };
  const detail = ({ field, start, end, type, text, acknowledgeable }: FieldFinding) => ({ field, start, end, type, text, acknowledgeable });
  if (decision.notAcknowledgeable.length > 0) {
    const message = 'identifiers, contacts, links, dates with a day or month and ages over 89 cannot be acknowledged; edit them out';
    return { acknowledged: [], refusal: new PhiNotAcknowledgeableError(message, decision.notAcknowledgeable.map(detail)) };
  }
  const findings = decision.findings.map(detail);
  const message =
    decision.unacknowledged.length > 0
      ? 'the text may contain protected health information; edit it, or acknowledge each finding that is not PHI'
      : 'an acknowledgement names no finding in this text; scan again and acknowledge exactly the findings';
  return { acknowledged: [], refusal: new PhiDetectedError(message, findings, decision.unmatchedAcknowledgements) };
}
