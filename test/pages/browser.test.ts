import t, { type Test } from 'tap';
import type { Page, WebSocketRoute } from 'playwright-core';
import { signedInUser } from '../helpers/auth.js';
import { chromiumMissing, startSite } from '../helpers/browser.js';
import { postCase, postReply } from '../helpers/threads.js';

if (chromiumMissing) {
  t.plan(0, chromiumMissing);
} else {
  const site = await startSite(t);
  const { app } = site;
  const PHONE = { width: 390, height: 844 };

  /** Pages must never scroll sideways on a phone. */
  async function assertNoHorizontalScroll(t: Test, page: Page, label: string) {
    const { scroll, client } = await page.evaluate<{ scroll: number; client: number }>(
      '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
    );
    t.ok(scroll <= client, `${label}: no horizontal scroll (${scroll} <= ${client})`);
  }

  /** Collects CSP violations and page errors: a strict policy must not be tripped by our own pages. */
  function watchProblems(page: Page): string[] {
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(String(error)));
    return problems;
  }

  t.test('on a phone: register, submit an NPI, see the pending page; a moderator approves; the physician sees the cases', async (t) => {
    const context = await site.context({ viewport: PHONE });
    t.teardown(() => context.close());
    const page = await context.newPage();
    const problems = watchProblems(page);

    await page.goto('/');
    await assertNoHorizontalScroll(t, page, 'landing');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Email').fill('new.doctor@example.org');
    await page.getByLabel('Password').fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/verify');
    t.equal(await page.title(), 'Verification · Curbside');
    await assertNoHorizontalScroll(t, page, 'verify');

    t.equal(await page.getByRole('textbox', { name: /^NPI/ }).count(), 0, 'US or abroad is chosen first');
    await page.getByLabel('In the United States (I have an NPI)').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL('**/verify?kind=npi');
    t.equal(await page.getByRole('textbox', { name: /^Country/ }).count(), 0, 'only the US form');
    await page.getByLabel('Legal first name').fill('Ada');
    await page.getByLabel('Legal last name').fill('Lovelace');
    await page.getByRole('textbox', { name: /^NPI/ }).fill('1234567893');
    await page.getByRole('textbox', { name: /^Licence state/ }).fill('NY');
    await page.getByRole('button', { name: 'Submit for verification' }).click();
    await page.waitForURL(/\/verify(#form-heading)?$/);
    t.match(await page.locator('#verification-status').innerText(), /Awaiting verification/);

    await page.goto('/cases');
    t.equal(await page.title(), 'Awaiting verification · Curbside', 'cases are closed to applicants');
    t.ok(await page.getByRole('link', { name: 'See your verification status' }).isVisible());

    const moderator = await signedInUser(app, { role: 'moderator' });
    const modContext = await site.context({ token: moderator.token });
    t.teardown(() => modContext.close());
    const modPage = await modContext.newPage();
    await modPage.goto('/moderation');
    const request = modPage.locator('article', { hasText: 'Ada Lovelace' });
    await request.getByLabel('Verified specialty').selectOption('neurology');
    await request.getByRole('button', { name: 'Approve' }).click();
    await modPage.waitForURL('**/moderation?done=approved');
    t.equal(await modPage.locator('article', { hasText: 'Ada Lovelace' }).count(), 0);

    await page.goto('/cases');
    t.equal(await page.title(), 'Cases · Curbside');
    t.ok(await page.getByRole('heading', { name: 'Cases', level: 1 }).isVisible());
    await assertNoHorizontalScroll(t, page, 'cases');
    t.same(problems, [], 'no CSP violations or script errors');
  });

  t.test('posting a case with a name: the finding is shown, the author edits it out, the case is posted', async (t) => {
    const physician = await signedInUser(app);
    const context = await site.context({ token: physician.token, viewport: PHONE });
    t.teardown(() => context.close());
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto('/cases/new');
    await assertNoHorizontalScroll(t, page, 'new case');

    await page.getByLabel('Title').fill('New AF with CrCl 28: apixaban dose?');
    await page.getByLabel('Age (years)').fill('58');
    await page.getByLabel('Sex').selectOption('male');
    await page.getByLabel('Specialty').selectOption('cardiology');
    await page.getByLabel('Case', { exact: true }).fill('Mr John Smith was started on apixaban 5 mg bd. Weight 61 kg.');
    await page.getByLabel('Your question').fill('Should the dose be reduced?');

    // Live highlighting while typing (debounced scan through /api/phi/scan).
    const live = page.locator('#f-body-phi');
    await live.locator('mark.phi-mark').first().waitFor({ timeout: 5000 });
    t.match(await live.innerText(), /Smith/);
    t.match(await live.innerText(), /NAME/);

    // Submitting anyway: the server refuses and shows the findings next to the field.
    await page.getByRole('button', { name: 'Post case' }).click();
    await page.waitForSelector('#phi-alert');
    t.match(await page.locator('#f-body-phi').innerText(), /Smith/);
    t.equal(await page.getByLabel('Case', { exact: true }).inputValue(), 'Mr John Smith was started on apixaban 5 mg bd. Weight 61 kg.', 'the text is kept');

    await page.getByLabel('Case', { exact: true }).fill('A man in his fifties was started on apixaban 5 mg bd. Weight 61 kg.');
    // Functions, not strings: the page's CSP forbids eval, which string predicates need.
    await page.waitForFunction(() => (globalThis as any).document.querySelector('#f-body-phi').textContent.trim() === '', undefined, { timeout: 5000 });
    await page.getByRole('button', { name: 'Post case' }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    t.equal(await page.title(), 'New AF with CrCl 28: apixaban dose? · Curbside');
    t.match(await page.locator('#case-body').innerText(), /A man in his fifties/);
    await assertNoHorizontalScroll(t, page, 'thread');
    t.same(problems, []);
  });

  t.test('a reply from a colleague appears live in another browser without reload', async (t) => {
    const author = await signedInUser(app);
    const colleague = await signedInUser(app, { specialty: 'nephrology' });
    const caseId = await postCase(app, author.cookie);
    await postReply(app, colleague.cookie, caseId, 'First thoughts: check renal function.');

    const readerContext = await site.context({ token: author.token });
    t.teardown(() => readerContext.close());
    const reader = await readerContext.newPage();
    const problems = watchProblems(reader);
    await reader.goto(`/cases/${caseId}`);
    await reader.waitForFunction(() => (globalThis as any).document.getElementById('live-status').dataset.state === 'live', undefined, { timeout: 5000 });
    t.equal(await reader.locator('#replies > li').count(), 1);

    const writerContext = await site.context({ token: colleague.token, viewport: PHONE });
    t.teardown(() => writerContext.close());
    const writer = await writerContext.newPage();
    await writer.goto(`/cases/${caseId}`);
    await reader.locator('#live-status', { hasText: '2 physicians viewing' }).waitFor({ timeout: 5000 });
    t.pass('presence: the reader sees a second colleague on the thread');
    await writer.getByRole('textbox', { name: 'Reply' }).fill('Reduce to **2.5 mg** bd: two of age, weight and creatinine.');
    await writer.getByRole('button', { name: 'Post reply' }).click();
    await writer.locator('#flash', { hasText: 'Your reply was posted' }).waitFor({ timeout: 5000 });
    t.equal(new URL(writer.url()).pathname, `/cases/${caseId}`, 'posted in place: the thread URL stays');

    await reader.locator('#replies > li').nth(1).waitFor({ timeout: 5000 });
    t.match(await reader.locator('#replies > li').nth(1).innerText(), /Reduce to/);
    t.equal(await reader.locator('#replies > li').nth(1).locator('strong', { hasText: '2.5 mg' }).count(), 1, 'markdown rendered by the server');
    t.match(await reader.locator('#live-announcer').innerText(), /New reply from/);
    t.equal(await reader.locator('#replies > li').count(), 2, 'nothing appears twice');
    t.same(problems, []);
  });

  t.test('after the connection drops, the page reconnects with since and misses nothing', async (t) => {
    const author = await signedInUser(app);
    const colleague = await signedInUser(app);
    const caseId = await postCase(app, author.cookie);
    await postReply(app, colleague.cookie, caseId, 'Reply one.');
    const context = await site.context({ token: author.token });
    t.teardown(() => context.close());
    const page = await context.newPage();
    // Every socket the page opens goes through this route, so the test can cut the first one.
    const sockets: WebSocketRoute[] = [];
    const sent: string[] = [];
    await page.routeWebSocket(/\/ws$/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        sent.push(String(message));
        server.send(message);
      });
      sockets.push(ws);
    });
    await page.goto(`/cases/${caseId}`);
    await page.waitForFunction(() => (globalThis as any).document.getElementById('live-status').dataset.state === 'live', undefined, { timeout: 5000 });

    await sockets[0]!.close({ code: 1012, reason: 'restarting' });
    await page.waitForFunction(() => (globalThis as any).document.getElementById('live-status').dataset.state !== 'live', undefined, { timeout: 5000 });
    await postReply(app, colleague.cookie, caseId, 'Reply two, posted while the page was offline.');
    await postReply(app, colleague.cookie, caseId, 'Reply three.');
    await page.locator('#replies > li').nth(2).waitFor({ timeout: 8000 });
    t.equal(await page.locator('#replies > li').count(), 3, 'both missed replies, once each');
    t.equal(sockets.length, 2, 'one reconnection');
    t.same(
      sent.map((m) => JSON.parse(m)),
      [
        { type: 'subscribe', caseId, since: 1 },
        { type: 'subscribe', caseId, since: 1 },
      ],
      'the page subscribes from the last seq it rendered, and resumes from the last seq it saw',
    );
    t.match(await page.locator('#replies > li').nth(1).innerText(), /Reply two/);
    await page.waitForFunction(() => (globalThis as any).document.getElementById('live-status').dataset.state === 'live', undefined, { timeout: 5000 });
  });

  t.test('without JavaScript: a reply is posted by a plain form and the thread shows it', async (t) => {
    const author = await signedInUser(app);
    const caseId = await postCase(app, author.cookie);
    const context = await site.context({ token: author.token, javaScript: false, viewport: PHONE });
    t.teardown(() => context.close());
    const page = await context.newPage();
    await page.goto(`/cases/${caseId}`);
    await page.getByRole('textbox', { name: 'Reply' }).fill('Posted with scripting off.');
    await page.getByRole('button', { name: 'Post reply' }).click();
    await page.waitForURL(new RegExp(`/cases/${caseId}#reply-`));
    t.match(await page.locator('#replies').innerText(), /Posted with scripting off/);
  });

  t.test('a script tag in a case body is shown as text and never runs', async (t) => {
    const author = await signedInUser(app);
    const caseId = await postCase(app, author.cookie, {
      title: '<script>window.__pwnedTitle = true</script>Script title',
      body: 'Before <script>window.__pwned = true</script> after <img src=x onerror="window.__pwnedImg = true">',
    });
    const context = await site.context({ token: author.token });
    t.teardown(() => context.close());
    const page = await context.newPage();
    await page.goto(`/cases/${caseId}`);
    const flags = await page.evaluate<Record<string, unknown>>('({ body: window.__pwned, title: window.__pwnedTitle, img: window.__pwnedImg })');
    t.same(flags, { body: undefined, title: undefined, img: undefined }, 'no injected script ran');
    t.match(await page.locator('#case-body').innerText(), /<script>window.__pwned = true<\/script>/);
    t.match(await page.locator('h1').innerText(), /<script>/);
    t.equal(await page.locator('#case-body script').count(), 0);
  });
}
