import { canModerate, canUseClinical } from '../auth/policy.js';
import type { Viewer } from '../auth/session-types.js';
import type { CaseAccess } from './source.js';

/** Checked at subscribe time and again before every event is sent. */
export function canFollowCase(viewer: Viewer, access: CaseAccess | null): boolean {
  if (!access || !canUseClinical(viewer) || access.deleted) return false;
  if (!access.hidden) return true;
  return canModerate(viewer) || access.authorId === viewer.userId;
}
