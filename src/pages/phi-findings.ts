import { AppError } from '../errors.js';

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
  if (!(error instanceof AppError) || error.code !== 'phi_detected') return null;
  const details = error.details as { findings?: PhiFinding[] } | undefined;
  return details?.findings ?? [];
}
