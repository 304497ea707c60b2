import type { Viewer } from '../auth/session-types.js';
import { canReadCase } from '../cases/policy.js';
import type { CaseAccess } from './source.js';

/** Checked at subscribe time and again before every event is sent: the REST API's read rule. */
export function canFollowCase(viewer: Viewer, access: CaseAccess | null): boolean {
  return access !== null && canReadCase(viewer, access);
}
