import t from 'tap';
import { signedInUser } from '../helpers/auth.js';
import { chromiumMissing, startSite } from '../helpers/browser.js';
import { postCase } from '../helpers/cases.js';

if (chromiumMissing) {
  t.plan(0, chromiumMissing);
} else {
  const site = await startSite(t);
  const { app } = site;

  t.test('a cardiology follower with the case list open sees the bell count and the new urgent case appear, without reloading', async (t) => {
    const follower = await signedInUser(app, { specialty: 'internal-medicine' });
    const author = await signedInUser(app);
    const follows = await app.inject({ method: 'PUT', url: '/api/me/follows', headers: { cookie: follower.cookie }, payload: { specialties: ['cardiology'], handles: [] } });
    t.equal(follows.statusCode, 200);

    const context = await site.context({ token: follower.token });
    t.teardown(() => context.close());
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) problems.push(m.text());
    });

    await page.goto('/cases?specialty=cardiology&filter=urgent');
    await page.waitForFunction("document.documentElement.dataset.notifySocket === 'open'");
    t.equal(await page.locator('#bell-count').innerText(), '0');

    const routine = await postCase(app, author.cookie, { title: 'Routine rate control question', urgency: 'routine' });
    const urgent = await postCase(app, author.cookie, { title: 'Urgent wide complex tachycardia', urgency: 'urgent' });

    await page.locator('#bell-count', { hasText: '1' }).waitFor();
    await page.locator('#new-cases', { hasText: '1 new case' }).waitFor();
    const first = page.locator('.case-list .case-item').first();
    t.equal(await first.getAttribute('data-case-id'), urgent.id, 'the urgent case is at the top of the list');
    t.match(await first.innerText(), /Urgent wide complex tachycardia/);
    t.equal(await page.locator(`.case-item[data-case-id="${routine.id}"]`).count(), 0, 'the routine case does not match the urgent filter');
    t.match(await page.locator('#toasts').innerText(), /New urgent case from/);

    // The bell leads to the notifications page, which lists it and can mark it read.
    await page.locator('#bell').click();
    await page.waitForURL('**/notifications');
    t.match(await page.locator('#notification-list').innerText(), /New urgent case from/);
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.waitForURL('**/notifications');
    t.equal(await page.locator('#bell-count').innerText(), '0');
    t.same(problems, [], 'no script errors or CSP violations');
  });
}
