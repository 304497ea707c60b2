import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { freePort } from '../../src/db/free-port.js';
import { SESSION_COOKIE } from '../../src/modules/auth/session-types.js';
import { createTestApp, type TestApp } from './app.js';

/** Debian's chromium (CI installs it with apt-get); no browser is ever downloaded. */
export const CHROMIUM = '/usr/bin/chromium';

export const chromiumMissing = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install -y chromium); browser tests skipped`;

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface LiveSite extends TestApp {
  origin: string;
  browser: Browser;
  /** A fresh browser context (own cookies), optionally signed in with a session token. */
  context(options?: { token?: string; viewport?: { width: number; height: number }; javaScript?: boolean }): Promise<BrowserContext>;
}

/**
 * The app listening on a free port, with PUBLIC_ORIGIN set to it (the websocket checks the
 * Origin), and a headless chromium to drive it.
 */
export async function startSite(t: Teardown): Promise<LiveSite> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const site = await createTestApp(t, { env: { PUBLIC_ORIGIN: origin } });
  await site.app.listen({ port, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  t.teardown(() => browser.close());
  return {
    ...site,
    origin,
    browser,
    async context(options = {}) {
      const context = await browser.newContext({
        baseURL: origin,
        viewport: options.viewport ?? { width: 1280, height: 900 },
        javaScriptEnabled: options.javaScript ?? true,
      });
      if (options.token) {
        await context.addCookies([{ name: SESSION_COOKIE, value: options.token, url: origin, httpOnly: true, sameSite: 'Lax' }]);
      }
      return context;
    },
  };
}
