// Writes docs/screenshots/*.png for the README: `SCREENSHOTS=1 npx tap test/pages/screenshots.test.ts`.
// Skipped in the normal suite (it checks nothing the other browser tests do not).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import t, { type Test } from 'tap';
import type { BrowserContext, Page } from 'playwright-core';
import { signedInUser } from '../helpers/auth.js';
import { chromiumMissing, startSite } from '../helpers/browser.js';
import { repoRoot } from '../helpers/test-server.js';
import { postCase, postReply } from '../helpers/threads.js';

const wanted = process.env.SCREENSHOTS === '1';

if (!wanted) {
  t.plan(0, 'set SCREENSHOTS=1 to write docs/screenshots');
} else if (chromiumMissing) {
  t.plan(0, chromiumMissing);
} else {
  const site = await startSite(t);
  const { app } = site;
  const dir = path.join(repoRoot, 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const PHONE = { width: 390, height: 844 };
  const DESKTOP = { width: 1280, height: 900 };

  async function shoot(page: Page, name: string, t: Test) {
    const file = path.join(dir, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    t.ok(true, `wrote ${path.relative(repoRoot, file)}`);
  }

  async function open(token: string | undefined, viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await site.context({ token, viewport });
    t.teardown(() => context.close());
    return { context, page: await context.newPage() };
  }

  const author = await signedInUser(app, { specialty: 'cardiology' });
  const nephrologist = await signedInUser(app, { specialty: 'nephrology' });
  const moderator = await signedInUser(app, { role: 'moderator', specialty: 'internal-medicine' });
  const caseId = await postCase(app, author.cookie, {
    title: '58M, new AF, CrCl 28: apixaban dose?',
    urgency: 'urgent',
    body: 'Started on **apixaban 5 mg bd** by the ED.\n\n- weight 61 kg\n- creatinine 180 µmol/L\n- no bleeding history',
    question: 'Should the dose be reduced, or is dose adjustment not needed with only one criterion?',
  });
  await postCase(app, nephrologist.cookie, { title: 'Hyponatraemia on a thiazide: stop or switch?', specialty: 'nephrology', age: 74, sex: 'female' });
  await postCase(app, author.cookie, { title: 'Pre-op anticoagulation bridging for a mechanical mitral valve', specialty: 'cardiology' });
  await postReply(app, nephrologist.cookie, caseId, 'He meets **two** criteria (weight ≤ 60 kg is close; creatinine ≥ 133): 2.5 mg bd is reasonable.');
  await postReply(app, moderator.cookie, caseId, 'Agree. Re-check renal function in a week.');

  t.test('landing and registration on a phone', async (t) => {
    const { page } = await open(undefined, PHONE);
    await page.goto('/');
    await shoot(page, 'login-phone', t);
    await page.goto('/register');
    await page.getByLabel('Email').fill('new.doctor@example.org');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await shoot(page, 'register-errors-phone', t);
    await page.getByLabel('Password').fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/verify');
    await page.getByLabel('In the United States (I have an NPI)').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL('**/verify?kind=npi');
    await page.getByLabel('Legal first name').fill('Ada');
    await page.getByLabel('Legal last name').fill('Lovelace');
    await page.getByRole('textbox', { name: /^NPI/ }).fill('1234567893');
    await page.getByRole('textbox', { name: /^Licence state/ }).fill('NY');
    await page.getByRole('button', { name: 'Submit for verification' }).click();
    await page.waitForURL(/\/verify(#form-heading)?$/);
    await shoot(page, 'verify-pending-phone', t);
  });

  t.test('cases, new case with PHI findings, thread', async (t) => {
    const desktop = await open(author.token, DESKTOP);
    await desktop.page.goto('/cases');
    await shoot(desktop.page, 'cases-desktop', t);
    await desktop.page.goto(`/cases/${caseId}`);
    await desktop.page.waitForFunction(() => (globalThis as any).document.getElementById('live-status').dataset.state === 'live');
    await shoot(desktop.page, 'thread-desktop', t);

    const phone = await open(author.token, PHONE);
    await phone.page.goto('/cases');
    await shoot(phone.page, 'cases-phone', t);
    await phone.page.goto('/cases/new');
    await phone.page.getByLabel('Title').fill('Chest pain after a long flight');
    await phone.page.getByLabel('Age (years)').fill('44');
    await phone.page.getByLabel('Sex').selectOption('female');
    await phone.page.getByLabel('Specialty').selectOption('emergency-medicine');
    await phone.page.getByLabel('Case', { exact: true }).fill('Mrs Jane Doe flew in from Boston on 12 March 2025. Pleuritic pain, HR 112, sats 93%.');
    await phone.page.getByLabel('Your question').fill('CTPA or V/Q first?');
    await phone.page.locator('#f-body-phi mark').first().waitFor();
    await shoot(phone.page, 'new-case-phi-phone', t);
    await phone.page.goto(`/cases/${caseId}`);
    await phone.page.waitForFunction(() => (globalThis as any).document.getElementById('live-status').dataset.state === 'live');
    await shoot(phone.page, 'thread-phone', t);
  });

  t.test('moderation queue', async (t) => {
    const applicant = await signedInUser(app, { role: 'applicant' });
    const form = await open(applicant.token, DESKTOP);
    await form.page.goto('/verify?kind=licence');
    await form.page.getByLabel('Legal first name').fill('Grace');
    await form.page.getByLabel('Legal last name').fill('Hopper');
    await form.page.getByRole('textbox', { name: /^Country/ }).fill('United Kingdom');
    await form.page.getByLabel('Registering body').fill('GMC');
    await form.page.getByLabel('Licence number').fill('7654321');
    await form.page.getByRole('button', { name: 'Submit for verification' }).click();
    await form.page.waitForURL(/\/verify(#form-heading)?$/);

    const { page } = await open(moderator.token, DESKTOP);
    await page.goto('/moderation');
    await shoot(page, 'moderation-desktop', t);
  });
}
