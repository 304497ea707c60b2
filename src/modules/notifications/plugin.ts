import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Database } from '../../db/client.js';
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
  transport: MailTransport;
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

/** Mail, the job scheduler and the case notifier, built once (before the services that call the notifier). */
export function createNotifications(deps: { db: Database; clock: Clock; config: Config; log: FastifyBaseLogger; transport?: MailTransport }): Notifications {
  const { db, clock, config, log } = deps;
  const transport = deps.transport ?? createTransport(config);
  const mailer = createMailer({ db, clock, transport, log });
  const origin = config.PUBLIC_ORIGIN;
  const base = { mailer, origin, clock };
  const scheduler = createScheduler({ db, clock, handlers: { followup: followupJob(base), digest: digestJob(base) }, recurring: [dailyDigest], log });
  const notifier = createCaseNotifier({ db, clock, mailer, scheduler, origin });
  return { mailer, scheduler, notifier, transport };
}

/** Decorates the parts on the app, serves the notification API and runs the background worker. */
export const notificationsPlugin = fp(async function notificationsPlugin(app: FastifyInstance, options: { parts: Notifications; worker?: boolean }) {
  const { mailer, scheduler, transport } = options.parts;
  app.decorate('notifications', options.parts);
  await app.register(notificationRoutes);
  const stopWorker = options.worker === false ? null : startWorker({ scheduler, mailer, intervalMs: app.deps.config.WORKER_POLL_MS, log: app.log });
  app.addHook('onClose', async () => {
    await stopWorker?.();
    transport.close();
  });
});
