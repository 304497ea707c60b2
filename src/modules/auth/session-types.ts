export type Role = 'applicant' | 'physician' | 'moderator' | 'admin';
export type VerificationStatus = 'none' | 'pending' | 'verified' | 'rejected' | 'suspended';

/** The signed-in user as every route and policy sees it. */
export interface Viewer {
  userId: string;
  sessionId: string;
  handle: string;
  role: Role;
  verification: VerificationStatus;
  specialty: string | null;
}

export const SESSION_COOKIE = 'curbside_session';
export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
