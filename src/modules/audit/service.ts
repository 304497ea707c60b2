import type { FastifyRequest } from 'fastify';
import type { DbOrTx } from '../../db/client.js';
import { insertAuditEvent } from './repo.js';

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
  await insertAuditEvent(tx, {
    actorId: context.actorId,
    requestId: context.requestId,
    ip: context.ip,
    action: event.action,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    data: event.data ?? {},
  });
}
