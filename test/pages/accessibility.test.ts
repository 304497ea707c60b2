// axe-core (injected into each page) on every page, on a phone and a desktop, in light and dark
// colours: no serious or critical violation.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import t, { type Test } from 'tap';
import type { Page } from 'playwright-core';
import { SESSION_COOKIE } from '../../src/modules/auth/session-types.js';
import { signedInUser } from '../helpers/auth.js';
import { chromiumMissing, startSite } from '../helpers/browser.js';
import { postCase, postReply } from '../helpers/threads.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

// Many browser contexts in one file: longer than the suite's default per-file timeout.
t.setTimeout(900_000);

if (chromiumMissing) {
  t.plan(0, chromiumMissing);
} else {
  const site = await startSite(t);
  const { app } = site;
  const sizes = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };

  const author = await signedInUser(app);
  const colleague = await signedInUser(app, { specialty: 'nephrology' });
  const moderator = await signedInUser(app, { role: 'moderator' });
  const applicant = await signedInUser(app, { role: 'applicant' });
  const caseId = await postCase(app, author.cookie, { urgency: 'urgent', body: 'Started on **apixaban** 5 mg bd.\n\n- weight 61 kg\n- creatinine 180' });
  await postReply(app, colleague.cookie, caseId, 'Reduce to **2.5 mg** bd.');
  await app.inject({ method: 'POST', url: '/api/flags', headers: { cookie: colleague.cookie }, payload: { targetType: 'case', targetId: caseId, reason: 'Check the dates' } });

  /** Opens `path` as `token`'s owner and returns the serious and critical violations. */
  async function audit(t: Test, path: string, token: string | undefined, size: keyof typeof sizes, colorScheme: 'light' | 'dark', before?: (page: Page) => Promise<void>) {
    const context = await site.browser.newContext({ baseURL: site.origin, viewport: sizes[size], colorScheme });
    t.teardown(() => context.close());
    if (token) await context.addCookies([{ name: SESSION_COOKIE, value: token, url: site.origin, httpOnly: true, sameSite: 'Lax' }]);
    const page = await context.newPage();
    await page.goto(path);
    if (before) await before(page);
    await page.evaluate(axeSource);
    const result = (await page.evaluate(
      'axe.run(document, { resultTypes: ["violations"], runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })',
    )) as { violations: AxeViolation[] };
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  const pages: Array<{ name: string; path: string; token?: string; before?: (page: Page) => Promise<void> }> = [
    { name: 'login', path: '/' },
    {
      name: 'registration with errors',
      path: '/register',
      before: async (page) => {
        await page.getByRole('button', { name: 'Create account' }).click();
        await page.locator('.has-error').first().waitFor();
      },
    },
    { name: 'verification choice', path: '/verify', token: applicant.token },
    { name: 'verification form', path: '/verify?kind=licence', token: applicant.token },
    { name: 'case list', path: '/cases', token: author.token },
    { name: 'search', path: '/cases?q=apixaban', token: author.token },
    { name: 'new case', path: '/cases/new', token: author.token },
    {
      name: 'thread as its author, controls open',
      path: `/cases/${caseId}`,
      token: author.token,
      before: async (page) => {
        for (const summary of await page.locator('details > summary').all()) await summary.click();
      },
    },
    { name: 'thread as a colleague', path: `/cases/${caseId}`, token: colleague.token },
    { name: 'thread as a moderator', path: `/cases/${caseId}`, token: moderator.token },
    { name: 'moderation', path: '/moderation', token: moderator.token },
    { name: 'not found', path: '/cases/00000000-0000-0000-0000-000000000000', token: author.token },
  ];

  // Every page at both sizes in light colours; the dark colours on the pages that use the most of them.
  const darkPages = new Set(['login', 'registration with errors', 'search', 'thread as its author, controls open']);
  for (const size of ['phone', 'desktop'] as const) {
    for (const colorScheme of ['light', 'dark'] as const) {
      t.test(`${size}, ${colorScheme}: no serious or critical axe violation`, { timeout: 600_000 }, async (t) => {
        for (const page of pages) {
          if (colorScheme === 'dark' && !darkPages.has(page.name)) continue;
          t.same(await audit(t, page.path, page.token, size, colorScheme, page.before), [], page.name);
        }
      });
    }
  }
}
