import type { Viewer } from '../auth/session-types.js';
import { renderMarkdown } from '../cases/markdown.js';
import { acknowledgementsFor, editedAt, hiddenFields } from '../cases/presenters.js';
import type { StoredAcknowledgement } from '../cases/service.js';
import type { ReplyView } from './repo.js';
import type { PublicReply } from './schemas.js';

/** The only place that decides what a reply looks like to a viewer (the REST API and live events). */
export function presentReply(row: ReplyView, viewer: Viewer | null, acknowledgements?: StoredAcknowledgement[]): PublicReply {
  return {
    id: row.id,
    caseId: row.caseId,
    seq: row.seq,
    body: row.body,
    bodyHtml: row.bodyHtml ?? renderMarkdown(row.body),
    author: { handle: row.authorHandle, specialty: row.authorSpecialty },
    createdAt: row.createdAt.toISOString(),
    editedAt: editedAt(row),
    votes: row.votes,
    voted: row.voted,
    helpful: row.helpful,
    mine: viewer?.userId === row.authorId,
    ...hiddenFields(viewer, row),
    ...acknowledgementsFor(viewer, row.id, acknowledgements),
  };
}
