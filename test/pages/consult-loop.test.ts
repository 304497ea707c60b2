// The whole consult from a phone, with and without JavaScript, in Debian's chromium: post, a
// reply arriving live, vote, helpful, solved, outcome, edit within the window, report, moderator
// hide/restore and the author's edit-and-repost, drafts and a session that ends mid-reply.
import t, { type Test } from 'tap';
import type { Page } from 'playwright-core';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { createUser } from '../../src/modules/users/service.js';
import { signedInUser } from '../helpers/auth.js';
import { chromiumMissing, startSite } from '../helpers/browser.js';
import { postCase, postReply } from '../helpers/threads.js';

// Many browser contexts in one file: longer than the suite's default per-file timeout.
t.setTimeout(900_000);

if (chromiumMissing) {
  t.plan(0, chromiumMissing);
} else {
  const site = await startSite(t);
  const { app } = site;
  const PHONE = { width: 390, height: 844 };

  async function open(t: Test, token: string | undefined, javaScript: boolean): Promise<Page> {
    const context = await site.context({ token, viewport: PHONE, javaScript });
    t.teardown(() => context.close());
    const page = await context.newPage();
    page.on('pageerror', (error) => t.fail(`script error: ${String(error)}`));
    return page;
  }

  /** With JavaScript the page never reloads: a marker set on window survives every action. */
  async function markWindow(page: Page) {
    await page.evaluate('window.__samePage = true');
  }
  async function stillSamePage(page: Page) {
    return (await page.evaluate('window.__samePage === true')) as boolean;
  }

  const flash = (page: Page, text: string | RegExp) => page.locator('#flash', { hasText: text }).waitFor({ timeout: 8000 });

  for (const javaScript of [true, false]) {
    const mode = javaScript ? 'with JavaScript' : 'without JavaScript';

    t.test(`${mode}: vote, helpful, solved, outcome and edit on a phone`, async (t) => {
      const author = await signedInUser(app);
      const colleague = await signedInUser(app, { specialty: 'nephrology' });
      const caseId = await postCase(app, author.cookie, { title: `Apixaban dose ${mode}` });
      const answer = await postReply(app, colleague.cookie, caseId, 'Reduce to 2.5 mg bd.');

      // The colleague upvotes (a toggle), the author marks it helpful and the case solved.
      const reader = await open(t, colleague.token, javaScript);
      await reader.goto(`/cases/${caseId}`);
      if (javaScript) await markWindow(reader);
      t.equal(await reader.getByRole('button', { name: /^Report/ }).count(), 0, 'no report button on one’s own reply');
      t.equal(await reader.locator('#case-controls summary', { hasText: 'Report this case' }).count(), 1, 'but one for the case');
      const reply = reader.locator(`#reply-${answer.id}`);
      t.equal(await reply.getByRole('button', { name: /Upvote/ }).count(), 0, 'no vote on one’s own reply');

      const page = await open(t, author.token, javaScript);
      await page.goto(`/cases/${caseId}`);
      if (javaScript) await markWindow(page);
      t.equal(await page.locator('#case-controls summary', { hasText: 'Report' }).count(), 0, 'no report on one’s own case');
      const theirs = page.locator(`#reply-${answer.id}`);
      await theirs.getByRole('button', { name: /Upvote this reply \(0\)/ }).click();
      await flash(page, 'You upvoted the reply');
      t.equal(await page.locator(`#reply-${answer.id}`).getByRole('button', { name: /Upvote this reply \(1\)/ }).getAttribute('aria-pressed'), 'true');
      if (!javaScript) t.match(page.url(), new RegExp(`/cases/${caseId}#reply-${answer.id}$`), 'back at the reply');
      await page.locator(`#reply-${answer.id}`).getByRole('button', { name: /Upvote this reply \(1\)/ }).click();
      await flash(page, 'Your upvote is withdrawn');
      t.equal(await page.locator(`#reply-${answer.id}`).getByRole('button', { name: /Upvote this reply \(0\)/ }).count(), 1, 'the vote toggles off');

      await page.locator(`#reply-${answer.id}`).getByRole('button', { name: 'Mark helpful' }).click();
      await flash(page, 'The reply is marked helpful');
      t.equal(await page.locator(`#reply-${answer.id}.helpful`).count(), 1);

      await page.getByRole('button', { name: 'Mark solved' }).click();
      await flash(page, 'The case is marked solved');
      t.match(await page.locator('#case-status').innerText(), /Solved/);
      if (!javaScript) t.match(page.url(), new RegExp(`/cases/${caseId}#case$`));

      await page.locator('summary', { hasText: 'Add the outcome' }).click();
      await page.getByLabel('What happened?').fill('Dose reduced; no bleeding at follow-up.');
      await page.getByRole('button', { name: 'Save the outcome' }).click();
      await flash(page, 'The outcome is saved');
      t.match(await page.locator('.outcome').innerText(), /no bleeding at follow-up/);

      const editSummary = page.locator('summary', { hasText: /^Edit/ }).first();
      t.match(await editSummary.innerText(), /Edit\s+\(1[45] minutes left\)/, 'the edit window is shown');
      await editSummary.click();
      await page.locator('#edit-title').fill(`Apixaban dose in CKD ${mode}`);
      await page.getByRole('button', { name: 'Save changes' }).click();
      await flash(page, 'Your changes are saved');
      t.match(await page.locator('#case-title').innerText(), /Apixaban dose in CKD/);
      if (javaScript) t.ok(await stillSamePage(page), 'every action happened in place, without a reload');

      // The colleague's open thread follows live (with JavaScript) or on reload (without).
      if (javaScript) {
        await reader.locator('#case-title', { hasText: 'in CKD' }).waitFor({ timeout: 8000 });
        await reader.locator(`#reply-${answer.id}.helpful`).waitFor({ timeout: 8000 });
        t.ok(await stillSamePage(reader), 'the reader saw it live');
      } else {
        await reader.reload();
        t.match(await reader.locator('#case-title').innerText(), /in CKD/);
      }
      t.match(await reader.locator('#case-status').innerText(), /Solved/);
      t.equal(await reader.getByRole('button', { name: 'Mark solved' }).count(), 0, 'only the author manages the case');
    });

    t.test(`${mode}: report once and twice, moderator hides with a reason and restores, the author reposts`, async (t) => {
      const author = await signedInUser(app);
      const reporter = await signedInUser(app);
      const moderator = await signedInUser(app, { role: 'moderator' });
      const caseId = await postCase(app, author.cookie, { title: `Case to hide ${mode}` });
      const answer = await postReply(app, author.cookie, caseId, 'A reply by the author.');

      const page = await open(t, reporter.token, javaScript);
      await page.goto(`/cases/${caseId}`);
      const report = async () => {
        await page.locator(`#reply-${answer.id} summary`, { hasText: 'Report' }).click();
        await page.locator(`#flag-${answer.id}-reason`).fill('Looks like a date of birth');
        await page.locator(`#reply-${answer.id}`).getByRole('button', { name: 'Send report' }).click();
      };
      await report();
      await flash(page, 'Thank you. A moderator will review the reply');
      await report();
      await flash(page, 'You have already reported this reply');

      const mod = await open(t, moderator.token, javaScript);
      await mod.goto(`/cases/${caseId}`);
      t.match(await mod.locator('#moderation-counts').innerText(), /\d+ · [1-9]/, 'the moderator’s header counts the flags waiting');
      t.equal(await mod.locator('summary', { hasText: /^Report/ }).count(), 0, 'moderators hide rather than report');
      await mod.locator('#case-controls summary', { hasText: 'Hide this case' }).click();
      await mod.getByRole('button', { name: 'Hide', exact: true }).click();
      await mod.locator('#moderate-case-reason-error').waitFor({ timeout: 8000 });
      t.pass('a hide without a reason is refused next to the field');
      await mod.locator('#moderate-case-reason').fill('A full date in the history');
      await mod.getByRole('button', { name: 'Hide', exact: true }).click();
      await flash(mod, 'The case is hidden');
      t.match(await mod.locator('#case-hidden').innerText(), /A full date in the history/);

      const own = await open(t, author.token, javaScript);
      await own.goto(`/cases/${caseId}`);
      t.match(await own.locator('#case-hidden').innerText(), /Reason: A full date in the history/);
      await own.getByRole('link', { name: 'Edit and post again' }).click();
      await own.waitForURL(`**/cases/new?from=${caseId}`);
      t.equal(await own.getByLabel('Title').inputValue(), `Case to hide ${mode}`, 'the hidden case is copied into a new form');
      t.match(await own.locator('.alert.info').innerText(), /A full date in the history/);

      await mod.locator('#case-controls summary', { hasText: 'Restore this case' }).click();
      await mod.locator('#moderate-case-reason').fill('Checked: not an identifier');
      await mod.getByRole('button', { name: 'Restore', exact: true }).click();
      await flash(mod, 'The case is restored');
      t.equal(await mod.locator('#case-hidden').count(), 0);
    });

    t.test(`${mode}: a refused reply keeps its text, its URL reloads to the thread, and deleting works`, async (t) => {
      const author = await signedInUser(app);
      const colleague = await signedInUser(app);
      const caseId = await postCase(app, author.cookie);
      const page = await open(t, colleague.token, javaScript);
      await page.goto(`/cases/${caseId}`);
      const long = 'x'.repeat(20_005);
      await page.getByRole('textbox', { name: 'Reply' }).fill(long);
      if (javaScript) t.match(await page.locator('#reply-body-count').innerText(), /20005 of 20000 characters: 5 too many/, 'the counter says by how much');
      await page.getByRole('button', { name: 'Post reply' }).click();
      await page.locator('#reply-body-error').waitFor({ timeout: 8000 });
      t.match(await page.locator('#reply-body-error').innerText(), /at most 20000/);
      t.equal((await page.getByRole('textbox', { name: 'Reply' }).inputValue()).length, 20_005, 'nothing is cut');
      if (javaScript) {
        t.equal(new URL(page.url()).pathname, `/cases/${caseId}`, 'the thread URL stays');
        t.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'reply-body', 'the eye is taken to the error');
      } else {
        t.match(page.url(), new RegExp(`/cases/${caseId}/replies#your-reply$`), 'the refusal lands at the form');
        await page.goto(page.url().replace(/#.*$/, ''));
        t.equal(new URL(page.url()).pathname, `/cases/${caseId}`, 'opening that address again is the thread, not a 404');
      }
      await page.getByRole('textbox', { name: 'Reply' }).fill('A shorter reply.');
      await page.getByRole('button', { name: 'Post reply' }).click();
      await flash(page, 'Your reply was posted');
      const mine = page.locator('#replies > li', { hasText: 'A shorter reply.' });
      await mine.locator('summary', { hasText: 'Delete' }).click();
      await mine.getByRole('button', { name: 'Delete the reply' }).click();
      await flash(page, 'The reply was deleted');
      t.equal(await page.locator('#replies > li', { hasText: 'A shorter reply.' }).count(), 0);
    });
  }

  t.test('a draft survives a reload; a session that ends mid-reply comes back after login with the text', async (t) => {
    const password = 'a long enough passphrase';
    const email = `draft-${Date.now()}@example.org`;
    const user = await createUser(app.deps.database.db, { email, passwordHash: await hashPassword(password), role: 'physician', verification: 'verified', specialty: 'neurology' });
    t.ok(user.id);
    const author = await signedInUser(app);
    const caseId = await postCase(app, author.cookie);
    const page = await open(t, undefined, true);
    await page.goto(`/?next=/cases/${caseId}`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`**/cases/${caseId}`);
    t.pass('login returns to the case');

    await page.getByRole('textbox', { name: 'Reply' }).fill('Consider the renal dose, my long considered answer.');
    await page.waitForTimeout(500);
    await page.reload();
    t.equal(await page.getByRole('textbox', { name: 'Reply' }).inputValue(), 'Consider the renal dose, my long considered answer.', 'the draft is restored');
    t.match(await page.locator('.draft-note').innerText(), /draft was restored/);

    // The session ends (logged out elsewhere) while the reply is still unsent.
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'curbside_session')!;
    await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: `curbside_session=${session.value}`, origin: site.origin } });
    await page.getByRole('button', { name: 'Post reply' }).click();
    await page.locator('#session-ended').waitFor({ timeout: 8000 });
    t.match(await page.locator('#session-ended').innerText(), /Your session ended, so nothing was posted/);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('#resume-note').waitFor({ timeout: 8000 });
    t.equal(await page.getByLabel('Text').inputValue(), 'Consider the renal dose, my long considered answer.', 'the text is back in the form');
    await page.getByRole('button', { name: 'Post it' }).click();
    await page.waitForURL(new RegExp(`/cases/${caseId}#reply-`));
    t.match(await page.locator('#replies').innerText(), /my long considered answer/);
    t.equal(await page.getByRole('textbox', { name: 'Reply' }).inputValue(), '', 'the posted draft is gone');
  });
}
