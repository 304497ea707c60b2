import type { FastifyInstance } from 'fastify';
import { canUseClinical } from '../modules/auth/policy.js';
import { listNotifications, markNotificationsRead, unreadCount, type InboxDeps } from '../modules/notifications/inbox.js';
import { listQuery, type PublicNotification } from '../modules/notifications/schemas.js';
import { requireClinician, viewerOf } from '../plugins/session.js';
import { formOf, textField } from './forms.js';
import { renderPage, seeOther } from './render.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** For the bell in the header: set on pages for physicians, null elsewhere. */
    unreadNotifications: number | null;
  }
}

const clinicalPage = { config: { page: true }, preHandler: requireClinician };

/** What a notification says, in words (the page and the live script use the same). */
export function notificationText(n: Pick<PublicNotification, 'type' | 'actor'>): string {
  const who = n.actor?.handle ?? 'A colleague';
  switch (n.type) {
    case 'reply':
      return `${who} replied to a case you follow`;
    case 'helpful':
      return 'Your reply was marked helpful';
    case 'solved':
      return 'A case you follow was marked solved';
    case 'outcome':
      return 'The outcome of a case you replied to was posted';
    case 'urgent_case':
      return `New urgent case from ${who}`;
    case 'new_case':
      return `${who} posted a new case`;
    case 'followup':
      return 'How did your case turn out? Post the outcome';
    case 'alert':
      return 'A public-health alert was posted';
  }
}

export function notificationHref(n: Pick<PublicNotification, 'type' | 'caseId'>): string {
  if (!n.caseId) return '/notifications';
  return `/cases/${n.caseId}${n.type === 'followup' ? '#outcome' : ''}`;
}

/** The bell's count on every page, and /notifications. */
export async function notificationPages(app: FastifyInstance): Promise<void> {
  const deps: InboxDeps = { db: app.deps.database.db, clock: app.deps.clock, cases: app.services.cases };
  const csrf = { preValidation: app.csrfProtection };

  app.decorateRequest('unreadNotifications', null);
  app.addHook('preHandler', async (request) => {
    if (request.method === 'GET' && canUseClinical(request.viewer)) request.unreadNotifications = await unreadCount(deps, request.viewer!);
  });

  app.get('/notifications', clinicalPage, async (request, reply) => {
    const viewer = viewerOf(request);
    const parsed = listQuery.safeParse(request.query);
    const page = await listNotifications(deps, viewer, parsed.success ? parsed.data : { limit: 20 });
    return renderPage(request, reply, 'notifications', {
      title: 'Notifications',
      nav: 'notifications',
      unread: page.unread,
      items: page.items.map((n) => ({ ...n, text: notificationText(n), href: notificationHref(n) })),
      nextUrl: page.nextCursor ? `/notifications?cursor=${encodeURIComponent(page.nextCursor)}` : null,
    });
  });

  app.post('/notifications/read', { ...clinicalPage, ...csrf }, async (request, reply) => {
    const id = textField(formOf(request), 'id');
    await markNotificationsRead(deps, viewerOf(request), /^[0-9a-f-]{36}$/i.test(id) ? { ids: [id] } : { all: true });
    return seeOther(reply, '/notifications');
  });
}
