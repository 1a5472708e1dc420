import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  api,
  axeViolations,
  fitsWidth,
  launch,
  login,
  openPage,
  pickMenuItem,
  shot,
  whenStill,
  type Watched,
} from './support/browser';

/**
 * The notification bell as a sales rep meets it: a workflow published through the API notifies a
 * deal's owner when it moves to negotiation; the rep's bell shows the unread count, the panel the
 * notification (bold, with a dot, its body and how long ago), its link leads to the deal and marks
 * it read; a second one comes with the panel's next opening, "Mark all as read" clears the count;
 * more than a page pages on with "Load more"; keyboard, Chinese and a phone screen. The workflow
 * only notifies about this suite's deals (its condition), and everything seeded is removed
 * afterwards: the other suites share this engine.
 */

const url = inject('engineUrl');
const admin = inject('admin');
const PREFIX = 'Bell e2e';
const WORKFLOW = 'bell_e2e_negotiation';
const R = '/api/v1/records';
const rep = { email: 'bell-rep@example.test', password: 'a long enough password 6' };
/** One more than a page of the panel (20) with the two before. */
const MORE = 20;
let browser: Browser;
let w: Watched;
let page: Page;
let repWatched: Watched;
let repPage: Page;
const ids: { rep: string; deals: string[] } = { rep: '', deals: [] };
/** The notification requests the rep's page made, to see the bell does not poll in a loop. */
const bellRequests: string[] = [];

const workflow = {
  apiName: WORKFLOW,
  label: { en: 'Bell: deal in negotiation', 'zh-CN': '铃铛：商机进入谈判' },
  object: 'opportunity',
  trigger: { on: 'update', changedTo: { stage: 'negotiation' } },
  // Only this suite's deals, whatever the other suites do to opportunities meanwhile.
  condition: { in: [PREFIX, { var: 'name' }] },
  actions: [
    { type: 'notify', to: [{ owner: true }], title: '{{name}} is in negotiation', body: 'Next step: {{next_step}}' },
  ],
};

interface Notification {
  id: string;
  title: string;
  body: string | null;
  object: string | null;
  recordId: string | null;
  readAt: string | null;
}
const notificationsOf = async (p: Page) =>
  (await api<{ data: Notification[]; unread: number }>(p, 'GET', '/api/v1/notifications?limit=100')).body;

/** The rep creates a deal they own and moves it to negotiation, which starts the workflow. */
async function dealToNegotiation(name: string, nextStep: string): Promise<string> {
  const created = await api<{ id: string }>(repPage, 'POST', `${R}/opportunity`, {
    name: `${PREFIX} ${name}`,
    stage: 'qualification',
    close_date: '2026-12-31',
    amount: 5000,
    next_step: nextStep,
  });
  expect(created.status).toBe(201);
  ids.deals.push(created.body.id);
  expect((await api(repPage, 'PATCH', `${R}/opportunity/${created.body.id}`, { stage: 'negotiation' })).status).toBe(
    200,
  );
  return created.body.id;
}

/** Waits until the rep has this many notifications (the runs happen in the background). */
const notificationsArrive = (count: number) =>
  expect.poll(async () => (await notificationsOf(repPage)).data.length, { timeout: 30_000 }).toBe(count);

const bellOf = (p: Page) => p.getByTestId('notification-bell');

/** Opens the bell's panel and waits until it has finished opening and reading. */
async function openPanel(p: Page): Promise<Locator> {
  await bellOf(p).click();
  const panel = p.getByTestId('notification-panel');
  await panel.waitFor();
  await whenStill(p);
  await p.waitForFunction(() => !document.querySelector('[data-testid="notification-panel"] .ant-spin'));
  return panel;
}

async function closePanel(p: Page): Promise<void> {
  await p.keyboard.press('Escape');
  await p.getByTestId('notification-panel').waitFor({ state: 'detached' });
}

/** The notification whose title this is, in the open panel. */
const item = (p: Page, title: string) =>
  p.getByTestId('notification-panel').getByTestId('notification').filter({ hasText: title });

beforeAll(async () => {
  browser = await launch();
  w = await openPage(browser);
  page = w.page;
  page.setDefaultTimeout(20_000);
  await login(page, url, admin);
  const created = await api<{ id: string }>(page, 'POST', '/api/v1/users', {
    ...rep,
    name: 'Bea Bell',
    role: 'sales_rep',
    permissionSets: ['sales_user'],
  });
  expect(created.status).toBe(201);
  ids.rep = created.body.id;
  expect((await api(page, 'POST', '/api/v1/meta/workflows', workflow)).status).toBe(201);
  expect((await api(page, 'POST', '/api/v1/meta/publish', {})).status).toBe(201);

  repWatched = await openPage(browser);
  repPage = repWatched.page;
  repPage.setDefaultTimeout(20_000);
  repPage.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/v1/notifications')) bellRequests.push(`${r.method()} ${r.url()}`);
  });
  await login(repPage, url, rep);
});

afterAll(async () => {
  if (page) {
    await api(page, 'DELETE', `/api/v1/meta/workflows/${WORKFLOW}`);
    await api(page, 'POST', '/api/v1/meta/publish', {});
    if (ids.deals.length) await api(page, 'POST', `${R}/opportunity/bulk-delete`, { ids: ids.deals, allOrNone: false });
    // Users are not deleted, only deactivated; their notifications go with them.
    if (ids.rep) await api(page, 'PATCH', `/api/v1/users/${ids.rep}`, { active: false });
  }
  await browser?.close();
});

describe('notification bell', () => {
  it('shows no count and an empty panel before anything has happened', async () => {
    await repPage.goto(url + '/o/opportunity');
    await repPage.getByRole('heading', { name: 'Opportunities' }).waitFor();
    const bell = bellOf(repPage);
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications: 0 unread');
    expect(await bell.locator('.ant-badge-count').count()).toBe(0);
    const panel = await openPanel(repPage);
    await panel.getByText('No notifications').waitFor();
    expect(await panel.getByRole('button', { name: 'Mark all as read' }).isDisabled()).toBe(true);
    await closePanel(repPage);
  });

  it('notifies the owner when their deal moves to negotiation', async () => {
    await dealToNegotiation('Alpha', 'Send the contract');
    await notificationsArrive(1);
    const [n] = (await notificationsOf(repPage)).data;
    expect(n).toMatchObject({
      title: `${PREFIX} Alpha is in negotiation`,
      body: 'Next step: Send the contract',
      object: 'opportunity',
      recordId: ids.deals[0],
      readAt: null,
    });
  });

  it('shows the count on the bell once the page loads, with one request and no more', async () => {
    bellRequests.length = 0;
    await repPage.goto(url + '/o/opportunity');
    await repPage.getByRole('heading', { name: 'Opportunities' }).waitFor();
    const bell = bellOf(repPage);
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications: 1 unread');
    expect(await bell.locator('.ant-badge-count').getAttribute('title')).toBe('1');
    await repPage.waitForLoadState('networkidle');
    expect(bellRequests).toEqual([`GET ${url}/api/v1/notifications?unread=true&limit=1`]);
  });

  it('opens the panel: the notification bold with a dot, its body and how long ago', async () => {
    const panel = await openPanel(repPage);
    // Opening reads the list (one request, which brings the count too).
    expect(bellRequests.slice(1)).toEqual([`GET ${url}/api/v1/notifications?limit=20`]);
    expect(await panel.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    const alpha = item(repPage, `${PREFIX} Alpha is in negotiation`);
    await alpha.getByText('Next step: Send the contract').waitFor();
    await alpha.getByText(/seconds? ago|minutes? ago/).waitFor();
    expect(await alpha.getAttribute('class')).toContain('is-unread');
    expect(await alpha.locator('.tessera-notification-dot').count()).toBe(1);
    expect(await alpha.locator('.tessera-notification-title').evaluate((el) => getComputedStyle(el).fontWeight)).toBe(
      '600',
    );
    expect(await alpha.getAttribute('href')).toBe(`/o/opportunity/${ids.deals[0]}`);
    await shot(repPage, 'notifications-panel');
    await expectAccessible(repPage);
  });

  it('leads to the record and marks the notification read; the count goes to 0', async () => {
    await item(repPage, `${PREFIX} Alpha is in negotiation`).click();
    await repPage.waitForURL(`**/o/opportunity/${ids.deals[0]}`);
    await repPage.getByTestId('record-title').getByText(`${PREFIX} Alpha`).waitFor();
    await repPage.getByTestId('notification-panel').waitFor({ state: 'detached' });
    const bell = bellOf(repPage);
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications: 0 unread');
    // The count leaves with antd's zoom-out motion: gone once the motion ends (slow on a busy machine).
    await expect.poll(() => bell.locator('.ant-badge-count').count()).toBe(0);
    // The badge does not wait for the engine; the engine has it a moment later.
    await expect
      .poll(async () => {
        const after = await notificationsOf(repPage);
        return [after.unread, after.data[0]!.readAt !== null];
      })
      .toEqual([0, true]);
  });

  it('is reached from the keyboard, and Escape gives the focus back to the bell', async () => {
    const bell = bellOf(repPage);
    await bell.focus();
    await repPage.keyboard.press('Enter');
    const panel = repPage.getByTestId('notification-panel');
    await panel.waitFor();
    await whenStill(repPage);
    await expect.poll(() => panel.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    // "Mark all as read" is disabled with nothing unread: the next stop is the notification.
    await repPage.keyboard.press('Tab');
    const alpha = item(repPage, `${PREFIX} Alpha is in negotiation`);
    expect(await alpha.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await alpha.getAttribute('class')).not.toContain('is-unread');
    expect(await alpha.locator('.tessera-notification-dot').count()).toBe(0);
    await closePanel(repPage);
    expect(await bell.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('brings a new notification with the next opening, and marks all read at once', async () => {
    await dealToNegotiation('Beta', 'Book the legal review');
    await notificationsArrive(2);
    const panel = await openPanel(repPage);
    const beta = item(repPage, `${PREFIX} Beta is in negotiation`);
    await beta.waitFor();
    // The list came first with the count: the badge has it without waiting for the 30 s refresh.
    await expect.poll(() => bellOf(repPage).getAttribute('aria-label')).toBe('Notifications: 1 unread');
    expect(await panel.getByTestId('notification').count()).toBe(2);
    expect(await beta.getAttribute('class')).toContain('is-unread');
    await panel.getByRole('button', { name: 'Mark all as read' }).click();
    await expect.poll(() => bellOf(repPage).getAttribute('aria-label')).toBe('Notifications: 0 unread');
    expect(await beta.getAttribute('class')).not.toContain('is-unread');
    expect(await panel.locator('.tessera-notification.is-unread').count()).toBe(0);
    await expect.poll(async () => (await notificationsOf(repPage)).unread).toBe(0);
    await closePanel(repPage);
  });

  it('pages on with Load more past the latest 20', async () => {
    for (let i = 0; i < MORE; i++) await dealToNegotiation(`Gamma ${String(i).padStart(2, '0')}`, 'Call');
    await notificationsArrive(2 + MORE);
    const panel = await openPanel(repPage);
    await expect.poll(() => bellOf(repPage).getAttribute('aria-label')).toBe(`Notifications: ${MORE} unread`);
    expect(await panel.getByTestId('notification').count()).toBe(20);
    await panel.getByTestId('notifications-more').click();
    await expect.poll(() => panel.getByTestId('notification').count()).toBe(2 + MORE);
    await panel.getByTestId('notifications-more').waitFor({ state: 'detached' });
    // The oldest two, read before, come last.
    await item(repPage, `${PREFIX} Alpha is in negotiation`).waitFor();
    expect(await panel.locator('.tessera-notification.is-unread').count()).toBe(MORE);
    await closePanel(repPage);
  });

  it('reads in Chinese, with the time in Chinese too', async () => {
    await repPage.getByTestId('language-switch').click();
    await pickMenuItem(repPage, '简体中文');
    const bell = bellOf(repPage);
    await expect.poll(() => bell.getAttribute('aria-label')).toBe(`通知：${MORE} 条未读`);
    const panel = await openPanel(repPage);
    await panel.getByRole('heading', { name: '通知' }).waitFor();
    await panel.getByRole('button', { name: '全部标为已读' }).waitFor();
    await item(repPage, `${PREFIX} Gamma 19 is in negotiation`).getByText(/前$/).waitFor();
    await shot(repPage, 'notifications-panel-zh-CN');
    await closePanel(repPage);
    await repPage.getByTestId('language-switch').click();
    await pickMenuItem(repPage, 'English');
    await expect.poll(() => bell.getAttribute('aria-label')).toBe(`Notifications: ${MORE} unread`);
  });

  it('fits a 390 px phone screen, and leads to the record from there', async () => {
    const phone = await openPage(browser, { width: 390, height: 844 });
    phone.page.setDefaultTimeout(20_000);
    await login(phone.page, url, rep);
    await expect.poll(() => bellOf(phone.page).getAttribute('aria-label')).toBe(`Notifications: ${MORE} unread`);
    const panel = await openPanel(phone.page);
    const box = (await panel.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    expect(await fitsWidth(phone.page)).toBe(true);
    await shot(phone.page, 'notifications-panel-phone');
    const gamma = item(phone.page, `${PREFIX} Gamma 19 is in negotiation`);
    await gamma.click();
    await phone.page.getByTestId('record-title').getByText(`${PREFIX} Gamma 19`).waitFor();
    await expect.poll(() => bellOf(phone.page).getAttribute('aria-label')).toBe(`Notifications: ${MORE - 1} unread`);
    expect(phone.problems).toEqual([]);
    await phone.page.context().close();
  });

  it('reads the count every 30 s while the tab is visible, not while it is hidden', async () => {
    const tab = await openPage(browser);
    tab.page.setDefaultTimeout(20_000);
    const requests: string[] = [];
    tab.page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/v1/notifications')) requests.push(r.url());
    });
    // The page's timers run on a clock the test moves on: no waiting for the 30 s.
    await tab.page.clock.install();
    await login(tab.page, url, rep);
    const bell = bellOf(tab.page);
    await expect.poll(() => bell.getAttribute('aria-label')).toBe(`Notifications: ${MORE - 1} unread`);
    expect(requests).toHaveLength(1);

    const setVisibility = (state: 'hidden' | 'visible') =>
      tab.page.evaluate((s) => {
        Object.defineProperty(document, 'visibilityState', { value: s, configurable: true });
        Object.defineProperty(document, 'hidden', { value: s === 'hidden', configurable: true });
        document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
      }, state);
    await setVisibility('hidden');
    await dealToNegotiation('Delta', 'Call');
    await notificationsArrive(3 + MORE);
    for (let tick = 0; tick < 2; tick++) {
      await tab.page.clock.runFor(31_000);
      await tab.page.waitForLoadState('networkidle');
      expect(requests).toHaveLength(1);
    }
    // Back on the tab, the count is read once: it is older than 30 s.
    await setVisibility('visible');
    await expect.poll(() => bell.getAttribute('aria-label')).toBe(`Notifications: ${MORE} unread`);
    expect(requests).toHaveLength(2);
    await tab.page.clock.runFor(30_000);
    await expect.poll(() => requests.length).toBe(3);
    expect(requests.every((r) => r === `${url}/api/v1/notifications?unread=true&limit=1`)).toBe(true);
    expect(tab.problems).toEqual([]);
    await tab.page.context().close();
  });

  it('ran under the UI Content-Security-Policy without a violation or page error', () => {
    expect(repWatched.problems).toEqual([]);
    expect(w.problems).toEqual([]);
  });
});

async function expectAccessible(p: Page): Promise<void> {
  const violations = await axeViolations(p);
  expect(violations, violations.join('\n')).toEqual([]);
}
