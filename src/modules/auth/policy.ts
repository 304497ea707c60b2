import type { Viewer } from './session-types.js';

/** Verified physicians, moderators and admins may read and write clinical content. */
export function canUseClinical(viewer: Viewer | null): boolean {
  if (!viewer) return false;
  if (viewer.role === 'moderator' || viewer.role === 'admin') return true;
  return viewer.role === 'physician' && viewer.verification === 'verified';
}

export function canModerate(viewer: Viewer | null): boolean {
  return viewer?.role === 'moderator' || viewer?.role === 'admin';
}

export function canChangeRoles(viewer: Viewer | null): boolean {
  return viewer?.role === 'admin';
}
