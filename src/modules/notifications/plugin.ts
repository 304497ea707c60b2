import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createScheduler, type Scheduler } from '../jobs/service.js';
import { createMailer, type Mailer } from '../mail/service.js';
import { createTransport, type MailTransport } from '../mail/transport.js';
import { notificationRoutes } from './routes.js';
import { createCaseNotifier, dailyDigest, digestJob, followupJob, type CaseNotifier } from './service.js';
import { startWorker } from './worker.js';

export interface Notifications {
  mailer: Mailer;
  scheduler: Scheduler;
  notifier: CaseNotifier;
}

declare module 'fastify' {
  interface FastifyInstance {
    notifications: Notifications;
  }
}

export interface NotificationOptions {
  /** Poll for due jobs and mail in the background (tests may drive runDue/drain themselves). */
  worker?: boolean;
  transport?: MailTransport;
}

/**
 * Mail, the job scheduler and notifications, built once and decorated on the app so the case
 * write paths and the pages use the same instances.
 */
export const notificationsPlugin = fp(async function notificationsPlugin(app: FastifyInstance, options: NotificationOptions) {
  const { database, config, clock } = app.deps;
  const transport = options.transport ?? createTransport(config);
  const mailer = createMailer({ db: database.db, clock, transport, log: app.log });
  const origin = config.PUBLIC_ORIGIN;
  const base = { mailer, origin, clock };
  const scheduler = createScheduler({
    db: database.db,
    clock,
    handlers: { followup: followupJob(base), digest: digestJob(base) },
    recurring: [dailyDigest],
    log: app.log,
  });
  const notifier = createCaseNotifier({ db: database.db, clock, mailer, scheduler, origin });
  app.decorate('notifications', { mailer, scheduler, notifier });
  await app.register(notificationRoutes);

  const stopWorker = options.worker === false ? null : startWorker({ scheduler, mailer, intervalMs: config.WORKER_POLL_MS, log: app.log });
  app.addHook('onClose', async () => {
    await stopWorker?.();
    transport.close();
  });
});
