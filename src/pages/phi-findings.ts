import { PhiDetectedError } from '../errors.js';

export interface PhiFinding {
  field: string;
  start: number;
  end: number;
  type: string;
  text: string;
  acknowledged?: boolean;
}

/** The findings of a 422 phi_detected refusal, or null for any other error. */
export function phiFindingsOf(error: unknown): PhiFinding[] | null {
  return error instanceof PhiDetectedError ? (error.findings as PhiFinding[]) : null;
}
