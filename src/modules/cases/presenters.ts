import { canModerate } from '../auth/policy.js';
import type { Viewer } from '../auth/session-types.js';
import { renderMarkdown } from './markdown.js';
import { canSeeHidden } from './policy.js';
import type { CaseView, StoredAcknowledgement } from './repo.js';
import type { PublicCase } from './schemas.js';

/**
 * The only places that decide what a case or reply looks like to a viewer. Authors appear as
 * pseudonym and specialty; nothing else about them is even read from the database.
 */
export const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** Edited means the content changed after posting; votes, marks and moderation do not count. */
export const editedAt = (row: { createdAt: Date; updatedAt: Date }) => (row.updatedAt.getTime() > row.createdAt.getTime() ? iso(row.updatedAt) : null);

export function hiddenFields(viewer: Viewer | null, row: { authorId: string; hiddenAt: Date | null; hiddenReason: string | null }) {
  if (!row.hiddenAt) return { hidden: false };
  return canSeeHidden(viewer, row) ? { hidden: true, hiddenReason: row.hiddenReason } : { hidden: true };
}

export function acknowledgementsFor(viewer: Viewer | null, targetId: string, acknowledgements?: StoredAcknowledgement[]) {
  if (!acknowledgements || !canModerate(viewer)) return {};
  return {
    phiAcknowledgements: acknowledgements
      .filter((a) => a.targetId === targetId)
      .map(({ field, start, end, type, text }) => ({ field, start, end, type, text })),
  };
}

export function presentCase(row: CaseView, viewer: Viewer | null, acknowledgements?: StoredAcknowledgement[]): PublicCase {
  return {
    id: row.id,
    title: row.title,
    age: row.ageOver89 ? '90+' : row.age,
    sex: row.sex,
    specialty: row.specialty,
    urgency: row.urgency,
    body: row.body,
    bodyHtml: row.bodyHtml ?? renderMarkdown(row.body),
    question: row.question,
    questionHtml: row.questionHtml ?? renderMarkdown(row.question),
    status: row.status,
    outcome: row.outcome,
    outcomeHtml: row.outcome === null ? null : (row.outcomeHtml ?? renderMarkdown(row.outcome)),
    outcomeAt: iso(row.outcomeAt),
    author: { handle: row.authorHandle, specialty: row.authorSpecialty },
    createdAt: row.createdAt.toISOString(),
    editedAt: editedAt(row),
    replyCount: row.replyCount,
    mine: viewer?.userId === row.authorId,
    ...hiddenFields(viewer, row),
    ...acknowledgementsFor(viewer, row.id, acknowledgements),
  };
}
