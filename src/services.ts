import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { createAuthService } from './modules/auth/service.js';
import { createCasesService } from './modules/cases/service.js';
import type { CaseNotifier } from './modules/notifications/service.js';
import { createModerationService } from './modules/moderation/service.js';
import { createRepliesService } from './modules/replies/service.js';
import { createUsersService } from './modules/users/service.js';
import { createVerificationService } from './modules/verification/service.js';

export interface ServiceDeps {
  db: Database;
  clock: Clock;
  config: Pick<Config, 'SESSION_SECRET' | 'RATE_LIMIT_POSTS_PER_MINUTE' | 'RATE_LIMIT_LOGIN_FAILURES' | 'LOGIN_SLOWDOWN_MS'>;
  /** Notifications for case and reply writes (the server has them; the CLI does not). */
  notify?: CaseNotifier;
}

/**
 * Every service, built once from the dependencies it names. buildApp decorates the result on
 * the app (`app.services`); the CLI and tests build their own. A service that needs another
 * is handed that service, never its repo.
 */
export function createServices({ db, clock, config, notify }: ServiceDeps) {
  const users = createUsersService({ db, clock });
  const auth = createAuthService({
    db,
    clock,
    secret: config.SESSION_SECRET,
    limits: { maxFailures: config.RATE_LIMIT_LOGIN_FAILURES, slowdownStepMs: config.LOGIN_SLOWDOWN_MS },
  });
  const verification = createVerificationService({ db, clock });
  const cases = createCasesService({ db, clock, postsPerMinute: config.RATE_LIMIT_POSTS_PER_MINUTE, notify });
  const replies = createRepliesService({ db, clock, cases, notify });
  const moderation = createModerationService({ db, clock, cases, replies });
  return { users, auth, verification, cases, replies, moderation };
}

export type Services = ReturnType<typeof createServices>;
