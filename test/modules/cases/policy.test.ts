import t from 'tap';
import type { Viewer } from '../../../src/modules/auth/session-types.js';
import { canDeleteContent, canEditContent, canReadCase, canReplyToCase, canSeeHidden, EDIT_WINDOW_MS } from '../../../src/modules/cases/policy.js';
import { canMarkHelpful, canReadReply, canVote } from '../../../src/modules/replies/policy.js';

const viewer = (userId: string, role: Viewer['role'] = 'physician', verification: Viewer['verification'] = 'verified'): Viewer => ({
  userId, sessionId: 's', handle: 'Dr. X', role, verification, specialty: null,
});
const author = viewer('author');
const other = viewer('other');
const moderator = viewer('mod', 'moderator');
const applicant = viewer('author', 'applicant', 'none');
const open = { authorId: 'author', hiddenAt: null, deletedAt: null };
const hidden = { authorId: 'author', hiddenAt: new Date(), deletedAt: null };
const deleted = { authorId: 'author', hiddenAt: null, deletedAt: new Date() };

t.test('reading cases and replies', async (t) => {
  t.ok(canReadCase(other, open));
  t.notOk(canReadCase(null, open), 'signed out');
  t.notOk(canReadCase(applicant, open), 'even the author, once no longer verified');
  t.notOk(canReadCase(other, hidden));
  t.ok(canReadCase(author, hidden));
  t.ok(canReadCase(moderator, hidden));
  t.notOk(canReadCase(moderator, deleted), 'deleted is gone for everyone');
  t.ok(canSeeHidden(moderator, open) && canSeeHidden(author, open) && !canSeeHidden(other, open));
  const hiddenReply = { authorId: 'other', hiddenAt: new Date(), deletedAt: null };
  t.ok(canReadReply(other, open, hiddenReply), 'reply author sees their hidden reply');
  t.notOk(canReadReply(author, open, hiddenReply), 'the case author does not');
  t.ok(canReadReply(moderator, open, hiddenReply));
  t.notOk(canReadReply(other, hidden, { authorId: 'other', hiddenAt: null, deletedAt: null }), 'not inside a case one cannot read');
  t.notOk(canReplyToCase(author, hidden));
  t.ok(canReplyToCase(other, open));
});

t.test('writing', async (t) => {
  const now = new Date('2026-01-01T12:00:00Z');
  const fresh = { authorId: 'author', createdAt: new Date(now.getTime() - EDIT_WINDOW_MS) };
  const stale = { authorId: 'author', createdAt: new Date(now.getTime() - EDIT_WINDOW_MS - 1) };
  t.ok(canEditContent(author, fresh, now), 'at exactly 15 minutes');
  t.notOk(canEditContent(author, stale, now));
  t.notOk(canEditContent(moderator, fresh, now), 'moderators hide, they do not edit');
  t.ok(canDeleteContent(author, open) && canDeleteContent(moderator, open) && !canDeleteContent(other, open));
  t.ok(canVote(other, { authorId: 'author' }));
  t.notOk(canVote(author, { authorId: 'author' }));
  t.notOk(canVote(applicant, { authorId: 'x' }));
  t.ok(canMarkHelpful(author, { authorId: 'author' }, { authorId: 'other' }));
  t.notOk(canMarkHelpful(author, { authorId: 'author' }, { authorId: 'author' }));
  t.notOk(canMarkHelpful(other, { authorId: 'author' }, { authorId: 'x' }));
});
