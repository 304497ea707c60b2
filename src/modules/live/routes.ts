import websocket from '@fastify/websocket';
import { safeError } from './log-error.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canUseClinical } from '../auth/policy.js';
import { SESSION_COOKIE } from '../auth/session-types.js';
import { authenticateToken } from '../auth/sessions.js';
import { sendError } from '../../plugins/errors.js';
import type { EventBus } from './bus.js';
import { createBus, publishCommittedEvents } from './buses.js';
import { defaultHubOptions, LiveHub, type HubOptions, type LiveConnection } from './hub.js';
import { CLOSE, clientMessageSchema } from './messages.js';
import type { LoadedPayload, PayloadLoader } from './payloads.js';
import { canFollowCase } from './policy.js';
import type { EventSource } from './source.js';
import { TOPICS } from '../../domain/live-events.js';

export interface LiveOptions {
  source: EventSource;
  payloads: PayloadLoader;
  hub?: Partial<HubOptions>;
  heartbeatMs?: number;
  /** How often open sockets re-check their session (expiry, role changes). */
  sessionRecheckMs?: number;
  bus?: EventBus;
  /** What each kind of user event (see publishUserEvent) means to a viewer, by kind. */
  userEvents?: Record<string, (id: string) => Promise<LoadedPayload | null>>;
}

const MAX_MESSAGE_BYTES = 4096;

/**
 * A browser always sends Origin on a websocket upgrade; a page of another site cannot make it
 * name this site. It is accepted when it is PUBLIC_ORIGIN, or the very host the request was
 * sent to (the same server reached as localhost or 127.0.0.1 during development).
 */
export function isSameSite(origin: string | undefined, host: string | undefined, publicOrigin: string): boolean {
  if (!origin) return false;
  if (origin === publicOrigin) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Refuses the upgrade before it happens: wrong Origin, no session, or not a verified physician. */
async function admitUpgrade(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
  if (!isSameSite(request.headers.origin, request.headers.host, this.deps.config.PUBLIC_ORIGIN)) {
    return sendError(request, reply, 403, 'bad_origin', 'websocket connections are accepted from this site only');
  }
  if (!request.viewer) return sendError(request, reply, 401, 'unauthenticated', 'log in to continue');
  if (!canUseClinical(request.viewer)) {
    return sendError(request, reply, 403, 'not_verified', 'only verified physicians may follow cases live');
  }
}

export async function liveRoutes(app: FastifyInstance, options: LiveOptions): Promise<void> {
  const { database, config, clock } = app.deps;
  const bus = options.bus ?? createBus(config, database, app.log);
  const hub = new LiveHub(options.source, options.payloads, bus, app.log, {
    ...defaultHubOptions,
    safetyCheckMs: config.LIVE_SAFETY_CHECK_MS,
    presenceHeartbeatMs: config.LIVE_PRESENCE_HEARTBEAT_MS,
    ...options.hub,
  });
  for (const [kind, load] of Object.entries(options.userEvents ?? {})) hub.onUserEvent(kind, load);
  app.metrics.reportLive(() => hub.stats);
  const tokens = new WeakMap<LiveConnection, string>();

  /**
   * Re-reads a socket's session and account without touching the session (an open page is not
   * activity). Closes it when the session ended (4401) or the account may no longer read
   * clinical content (4403); otherwise the new role applies to the very next send, and a case
   * the viewer may no longer follow gets `case.removed`. A database error leaves it as it is:
   * the next check tries again.
   */
  const recheck = async (connection: LiveConnection): Promise<void> => {
    const token = tokens.get(connection);
    const viewer = token ? await authenticateToken(database.db, config.SESSION_SECRET, token, clock.now(), undefined, { touch: false }) : null;
    if (!viewer) return connection.close(CLOSE.sessionEnded, 'session ended');
    if (!canUseClinical(viewer)) return connection.close(CLOSE.forbidden, 'no longer allowed');
    connection.viewer = viewer;
    for (const [caseId, subscription] of connection.subscriptions) {
      if (canFollowCase(viewer, await options.source.caseAccess(caseId))) continue;
      connection.send({ type: 'case.removed', caseId, seq: subscription.lastSent });
      hub.unsubscribe(connection, caseId);
    }
  };
  const recheckAll = async (connections: Iterable<LiveConnection>): Promise<void> => {
    for (const connection of [...connections]) {
      try {
        await recheck(connection);
      } catch (error) {
        app.log.warn({ err: safeError(error) }, 'live session re-check failed; retrying later');
      }
    }
  };

  bus.subscribe(TOPICS.session, (event) => hub.sessionRevoked(String(event.sessionId)));
  bus.subscribe(TOPICS.user, (event) => {
    const mine = [...hub.connections].filter((c) => c.viewer.userId === event.userId);
    if (mine.length) void recheckAll(mine);
  });
  const stopPublishing = publishCommittedEvents(database, bus);

  await app.register(websocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });
  await bus.start();
  hub.start();

  const heartbeat = setInterval(() => {
    for (const connection of hub.connections) {
      if (!connection.alive) {
        connection.socket.terminate();
        hub.detach(connection);
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();

  // Catches what no event announces: idle and absolute expiry.
  const periodic = setInterval(() => void recheckAll(hub.connections), options.sessionRecheckMs ?? config.LIVE_SESSION_RECHECK_MS);
  periodic.unref();

  app.addHook('onClose', async () => {
    clearInterval(heartbeat);
    clearInterval(periodic);
    await stopPublishing();
    await hub.closeAll(CLOSE.goingAway, 'server shutting down');
    await bus.stop();
  });

  app.get('/ws', { websocket: true, preValidation: admitUpgrade }, (socket, request) => {
    const connection = hub.attach(socket, request.viewer!);
    tokens.set(connection, request.cookies[SESSION_COOKIE]!);
    // Handlers are attached before any await so no early message is lost.
    socket.on('pong', () => (connection.alive = true));
    socket.on('close', () => hub.detach(connection));
    socket.on('error', () => hub.detach(connection));
    socket.on('message', (raw, isBinary) => {
      connection.alive = true;
      if (!connection.takeMessageToken()) {
        connection.error('rate_limited', 'too many messages; slow down');
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(isBinary ? '' : raw.toString());
      } catch {
        connection.error('invalid_json', 'messages must be JSON');
        return;
      }
      const message = clientMessageSchema.safeParse(parsed);
      if (!message.success) {
        connection.error('invalid_message', message.error.issues[0]?.message ?? 'invalid message', {
          details: message.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        });
        return;
      }
      hub.handle(connection, message.data).catch((error: unknown) => {
        app.log.warn({ err: safeError(error) }, 'live message failed');
        connection.error('internal_error', 'something went wrong on our side');
      });
    });
  });
}
