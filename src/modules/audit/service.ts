import type { FastifyRequest } from 'fastify';
import type { DbOrTx } from '../../db/client.js';
import { appendAuditEvent, listAuditEvents, readChainPage, type AuditRow } from './repo.js';

/** Who did it and from where: taken from the request, passed down to services. */
export interface AuditContext {
  actorId: string | null;
  requestId: string | null;
  ip: string | null;
}

export interface AuditEvent {
  action: string;
  targetType?: string;
  targetId?: string;
  data?: Record<string, unknown>;
}

export function auditContextOf(request: FastifyRequest): AuditContext {
  return { actorId: request.viewer?.userId ?? null, requestId: String(request.id), ip: request.clientIp };
}

export const systemAuditContext: AuditContext = { actorId: null, requestId: null, ip: null };

/**
 * Records an audit event. Call it with the transaction that makes the change, so the event
 * exists exactly when the change does.
 */
export async function recordAudit(tx: DbOrTx, context: AuditContext, event: AuditEvent): Promise<void> {
  await appendAuditEvent(tx, {
    actorId: context.actorId,
    requestId: context.requestId,
    ip: context.ip,
    action: event.action,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    data: event.data ?? {},
  });
}

export interface ChainBreak {
  id: number;
  problem: 'hash_mismatch' | 'link_mismatch' | 'unhashed';
}

/**
 * Walks the chain in id order. Every row's hash must be the hash of its own fields and the
 * previous row's hash; an edited row fails the first test, a deleted or inserted one the second.
 */
export async function verifyAuditChain(db: DbOrTx, pageSize = 5000): Promise<{ checked: number; firstBreak: ChainBreak | null; headHash: string | null }> {
  let afterId = 0;
  let checked = 0;
  let headHash: string | null = null;
  for (;;) {
    const rows = await readChainPage(db, afterId, pageSize);
    for (const row of rows) {
      checked += 1;
      if (row.hash === null) return { checked, firstBreak: { id: row.id, problem: 'unhashed' }, headHash };
      if (row.hash !== row.expected) return { checked, firstBreak: { id: row.id, problem: 'hash_mismatch' }, headHash };
      if ((row.prevHash ?? '') !== (row.previous ?? '')) return { checked, firstBreak: { id: row.id, problem: 'link_mismatch' }, headHash };
      headHash = row.hash;
    }
    if (rows.length < pageSize) return { checked, firstBreak: null, headHash };
    afterId = rows.at(-1)!.id;
  }
}

export interface PublicAuditEvent {
  id: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  requestId: string | null;
  ip: string | null;
  data: Record<string, unknown>;
  createdAt: string;
  hash: string | null;
}

function presentAuditEvent(row: AuditRow): PublicAuditEvent {
  return {
    id: String(row.id),
    actorId: row.actorId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    requestId: row.requestId,
    ip: row.ip,
    data: row.data,
    createdAt: row.createdAt.toISOString(),
    hash: row.hash,
  };
}

/** The audit log for moderators, newest first; the cursor is the last id seen. */
export async function auditPage(db: DbOrTx, cursor: string | undefined, limit = 50): Promise<{ items: PublicAuditEvent[]; nextCursor: string | null }> {
  const beforeId = cursor === undefined ? null : Number(cursor);
  const rows = await listAuditEvents(db, beforeId, limit + 1);
  const items = rows.slice(0, limit).map(presentAuditEvent);
  return { items, nextCursor: rows.length > limit ? items.at(-1)!.id : null };
}
