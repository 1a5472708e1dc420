import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  api,
  axeViolations,
  fitsWidth,
  launch,
  login,
  openedDialog,
  openPage,
  pickMenuItem,
  pickOption,
  shot,
  whenStill,
  type Watched,
} from './support/browser';

/**
 * Approvals as a sales rep and their manager meet them: an approval process published through the
 * API takes this suite's big deals (its entry condition) to the submitter's manager. The rep
 * submits a deal from its page, which locks it (banner, Edit and Delete disabled, an edit refused
 * with a clear message); the manager finds it in "My approvals" and in the bell and approves with a
 * comment; the process's action sets the deal's Next Step in the background; the deal's page shows
 * the decision. Then a rejection from the record page, a recall by the rep, a refusal when no
 * process applies, Chinese and a phone screen. Everything seeded is removed afterwards: the other
 * suites share this engine.
 */

const url = inject('engineUrl');
const admin = inject('admin');
const PREFIX = 'Approval e2e';
const PROCESS = 'e2e_discount';
const R = '/api/v1/records';
const rep = { email: 'approval-rep@example.test', password: 'a long enough password 7', name: 'Rita Rep' };
const manager = { email: 'approval-manager@example.test', password: 'a long enough password 8', name: 'Max Manager' };
let browser: Browser;
let w: Watched;
let page: Page;
let repWatched: Watched;
let repPage: Page;
let managerWatched: Watched;
let managerPage: Page;
const ids: { rep: string; manager: string; deals: string[] } = { rep: '', manager: '', deals: [] };

const process = {
  apiName: PROCESS,
  label: { en: 'Discount approval', 'zh-CN': '折扣审批' },
  object: 'opportunity',
  entryCondition: { and: [{ '>=': [{ var: 'amount' }, 1000] }, { in: [PREFIX, { var: 'name' }] }] },
  steps: [{ name: 'manager', approver: { submitterManager: true } }],
  onApprove: [{ type: 'updateRecord', values: { next_step: 'Approved' } }],
};

interface Approval {
  id: string;
  status: string;
  tasks: { id: string; approverId: string; status: string; comment: string | null }[];
}

/** The rep creates a deal they own (big enough for the process unless said otherwise). */
async function newDeal(name: string, amount = 5000): Promise<string> {
  const created = await api<{ id: string }>(repPage, 'POST', `${R}/opportunity`, {
    name: `${PREFIX} ${name}`,
    stage: 'qualification',
    close_date: '2026-12-31',
    amount,
    next_step: 'Talk to finance',
  });
  expect(created.status).toBe(201);
  ids.deals.push(created.body.id);
  return created.body.id;
}

/** Submitted through the API, for the paths whose submission is not what is tested. */
async function submitByApi(id: string, comment: string): Promise<Approval> {
  const submitted = await api<Approval>(repPage, 'POST', `${R}/opportunity/${id}/approval`, { comment });
  expect(submitted.status).toBe(201);
  return submitted.body;
}

const dealOf = async (id: string) =>
  (await api<{ next_step: string | null; version: number }>(page, 'GET', `${R}/opportunity/${id}`)).body;

const panelOf = (p: Page) => p.getByTestId('approval-panel');
const currentOf = (p: Page) => panelOf(p).getByTestId('approval-summary').first();

async function openDeal(p: Page, id: string, name: string): Promise<Locator> {
  await p.goto(`${url}/o/opportunity/${id}`);
  await p.getByTestId('record-title').getByText(`${PREFIX} ${name}`).waitFor();
  const panel = panelOf(p);
  await panel.waitFor();
  await p.waitForFunction(() => !document.querySelector('[data-testid="approval-panel"] .ant-skeleton'));
  return panel;
}

/** Whether a header button (a link-button for Edit) is disabled, whichever element Ant Design made of it. */
const headerButtonDisabled = (p: Page, name: string) =>
  p
    .locator('.ant-btn', { hasText: new RegExp(`^${name}$`) })
    .first()
    .evaluate((el) => el.matches('[disabled], [aria-disabled="true"], .ant-btn-disabled'));

/** Fills the open approval dialog's comment and presses its main button. */
async function confirmDialog(p: Page, comment?: string): Promise<Locator> {
  const dialog = await openedDialog(p);
  if (comment !== undefined) await dialog.getByLabel('Comment (optional)').fill(comment);
  await dialog.getByTestId('approval-dialog-ok').click();
  return dialog;
}

beforeAll(async () => {
  browser = await launch();
  w = await openPage(browser);
  page = w.page;
  page.setDefaultTimeout(20_000);
  await login(page, url, admin);
  for (const [key, user, role] of [
    ['rep', rep, 'sales_rep'],
    ['manager', manager, 'sales_manager'],
  ] as const) {
    const created = await api<{ id: string }>(page, 'POST', '/api/v1/users', {
      ...user,
      role,
      permissionSets: ['sales_user'],
    });
    expect(created.status).toBe(201);
    ids[key] = created.body.id;
  }
  expect((await api(page, 'POST', '/api/v1/meta/approval-processes', process)).status).toBe(201);
  expect((await api(page, 'POST', '/api/v1/meta/publish', {})).status).toBe(201);

  repWatched = await openPage(browser);
  repPage = repWatched.page;
  repPage.setDefaultTimeout(20_000);
  await login(repPage, url, rep);
  managerWatched = await openPage(browser);
  managerPage = managerWatched.page;
  managerPage.setDefaultTimeout(20_000);
  await login(managerPage, url, manager);
});

afterAll(async () => {
  if (page) {
    await api(page, 'DELETE', `/api/v1/meta/approval-processes/${PROCESS}`);
    await api(page, 'POST', '/api/v1/meta/publish', {});
    // The admin may delete deals still locked by a pending approval.
    if (ids.deals.length) await api(page, 'POST', `${R}/opportunity/bulk-delete`, { ids: ids.deals, allOrNone: false });
    for (const id of [ids.rep, ids.manager]) if (id) await api(page, 'PATCH', `/api/v1/users/${id}`, { active: false });
  }
  await browser?.close();
});

describe('approvals', () => {
  it('lets the rep submit a deal from its page, which is then locked', async () => {
    const id = await newDeal('Alpha');
    const panel = await openDeal(repPage, id, 'Alpha');
    await panel.getByText('Not submitted for approval').waitFor();
    expect(await repPage.getByTestId('approval-locked').count()).toBe(0);
    expect(await headerButtonDisabled(repPage, 'Edit')).toBe(false);

    await panel.getByTestId('submit-approval').click();
    const dialog = await confirmDialog(repPage, 'Ten percent off for a three-year term');
    await dialog.waitFor({ state: 'detached' });
    const current = currentOf(repPage);
    await current.getByTestId('approval-status').getByText('Pending').waitFor();
    await current.getByText('Discount approval').waitFor();
    await current.getByText('Step: manager').waitFor();
    await current.getByText('Ten percent off for a three-year term').waitFor();
    await current.getByTestId('approval-waiting').getByText('Max Manager').waitFor();
    await current.getByText('Submitted by Rita Rep').waitFor();
    // Locked: the banner, and nothing invites an edit.
    await repPage.getByTestId('approval-locked').getByText('Locked: waiting for approval').waitFor();
    expect(await headerButtonDisabled(repPage, 'Edit')).toBe(true);
    expect(await headerButtonDisabled(repPage, 'Delete')).toBe(true);
    await panel.getByTestId('recall').waitFor();
    expect(await panel.getByTestId('submit-approval').count()).toBe(0);
    // The rep is not the approver: no Approve here.
    expect(await panel.getByTestId('approve').count()).toBe(0);
    await shot(repPage, 'approvals-record-pending');
    await expectAccessible(repPage);
  });

  it('turns an edit of the locked deal into a clear message', async () => {
    const id = ids.deals[0]!;
    await repPage.goto(`${url}/o/opportunity/${id}/edit`);
    await repPage.getByLabel('Next Step').fill('Sneak a change in');
    await repPage.getByRole('button', { name: 'Save' }).click();
    await repPage
      .getByRole('alert')
      .getByText('This record is locked while it waits for approval: nothing was changed.')
      .waitFor();
    expect((await dealOf(id)).next_step).toBe('Talk to finance');
  });

  it('says why when no process takes the record', async () => {
    const id = await newDeal('Small', 10);
    const panel = await openDeal(repPage, id, 'Small');
    await panel.getByTestId('submit-approval').click();
    const dialog = await confirmDialog(repPage);
    await dialog
      .getByRole('alert')
      .getByText(/No approval process applies to this record/)
      .waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await panel.getByText('Not submitted for approval').waitFor();
  });

  it('shows the manager the task in My approvals and in the bell', async () => {
    await managerPage.goto(url + '/');
    const nav = managerPage.getByTestId('nav-approvals');
    await expect.poll(() => nav.getAttribute('data-count')).toBe('1');
    await expect
      .poll(() => managerPage.getByTestId('notification-bell').getAttribute('aria-label'))
      .toBe('Notifications: 1 unread');
    await managerPage.getByTestId('notification-bell').click();
    const bellPanel = managerPage.getByTestId('notification-panel');
    await bellPanel.getByText('Approval requested: Discount approval').waitFor();
    expect(await bellPanel.getByTestId('notification').first().getAttribute('href')).toBe(
      `/o/opportunity/${ids.deals[0]}`,
    );
    await managerPage.keyboard.press('Escape');
    await bellPanel.waitFor({ state: 'detached' });

    await nav.click();
    await managerPage.waitForURL('**/approvals');
    await managerPage.getByRole('heading', { name: 'My approvals' }).waitFor();
    const task = managerPage.getByTestId('my-approval');
    await expect.poll(() => task.count()).toBe(1);
    await task.getByRole('link', { name: `${PREFIX} Alpha` }).waitFor();
    expect(await task.getByRole('link', { name: `${PREFIX} Alpha` }).getAttribute('href')).toBe(
      `/o/opportunity/${ids.deals[0]}`,
    );
    await task.getByText('Discount approval').waitFor();
    await task.getByText('Step: manager').waitFor();
    await task.getByText(/Submitted by Rita Rep · (a few seconds|\d+ seconds?|a minute|\d+ minutes) ago/).waitFor();
    await task.getByText('Ten percent off for a three-year term').waitFor();
    await shot(managerPage, 'approvals-mine');
    await expectAccessible(managerPage);
  });

  it('lets the manager approve with a comment; the process sets Next Step and the page shows the decision', async () => {
    const id = ids.deals[0]!;
    await managerPage.getByTestId('my-approval').getByTestId('approve').click();
    const dialog = await openedDialog(managerPage);
    await dialog.getByText('Approve “Discount approval”').waitFor();
    await confirmDialog(managerPage, 'Fine for a three-year term');
    await dialog.waitFor({ state: 'detached' });
    await managerPage.getByTestId('my-approvals-empty').getByText('Nothing waits for your approval').waitFor();
    await expect.poll(() => managerPage.getByTestId('nav-approvals').getAttribute('data-count')).toBe('0');
    // The process's action runs in the background.
    await expect.poll(async () => (await dealOf(id)).next_step, { timeout: 30_000 }).toBe('Approved');

    const panel = await openDeal(repPage, id, 'Alpha');
    const current = currentOf(repPage);
    await current.getByTestId('approval-status').first().getByText('Approved').waitFor();
    const decision = current.getByTestId('approval-decision');
    await decision.getByText('Max Manager').waitFor();
    await decision.getByText('Fine for a three-year term').waitFor();
    expect(await repPage.getByTestId('approval-locked').count()).toBe(0);
    expect(await headerButtonDisabled(repPage, 'Edit')).toBe(false);
    await panel.getByTestId('submit-approval').waitFor();
    await repPage.locator('.ant-descriptions-item', { hasText: 'Next Step' }).getByText('Approved').first().waitFor();
    await shot(repPage, 'approvals-record-approved');
  });

  it('lets the manager reject from the record page; the deal is unlocked and unchanged', async () => {
    const id = await newDeal('Beta');
    await submitByApi(id, 'Twenty percent, please');
    const panel = await openDeal(managerPage, id, 'Beta');
    await panel.getByText('Your approval is asked for.').waitFor();
    await panel.getByTestId('reject').click();
    const dialog = await confirmDialog(managerPage, 'Too deep a discount');
    await dialog.waitFor({ state: 'detached' });
    const current = currentOf(managerPage);
    await current.getByTestId('approval-status').first().getByText('Rejected').waitFor();
    await current.getByTestId('approval-decision').getByText('Too deep a discount').waitFor();
    expect(await panel.getByTestId('approve').count()).toBe(0);

    await openDeal(repPage, id, 'Beta');
    await currentOf(repPage).getByTestId('approval-status').first().getByText('Rejected').waitFor();
    expect(await repPage.getByTestId('approval-locked').count()).toBe(0);
    expect(await headerButtonDisabled(repPage, 'Edit')).toBe(false);
    expect((await dealOf(id)).next_step).toBe('Talk to finance');
  });

  it('lets the rep recall a pending approval; an earlier one stays in the history', async () => {
    const id = ids.deals[2]!; // Beta, rejected before
    await submitByApi(id, 'Fifteen percent then');
    const panel = await openDeal(repPage, id, 'Beta');
    await repPage.getByTestId('approval-locked').waitFor();
    await panel.getByTestId('recall').click();
    const dialog = await openedDialog(repPage);
    await dialog
      .getByText('The approval stops, the approvers’ tasks are withdrawn and the record is unlocked.')
      .waitFor();
    await confirmDialog(repPage, 'Customer went quiet');
    await dialog.waitFor({ state: 'detached' });
    const current = currentOf(repPage);
    await current.getByTestId('approval-status').first().getByText('Recalled').waitFor();
    await current.getByText('Customer went quiet').waitFor();
    await repPage.getByTestId('approval-locked').waitFor({ state: 'detached' });
    expect(await headerButtonDisabled(repPage, 'Edit')).toBe(false);
    // The rejection before it is folded below.
    await panel.getByText('1 earlier approval').click();
    const earlier = panel.getByTestId('approval-history').getByTestId('approval-summary');
    await earlier.getByText('Too deep a discount').waitFor();
    expect(await earlier.getAttribute('data-approval-status')).toBe('rejected');
    // Nothing waits for the manager any more.
    const mine = await api<{ data: unknown[] }>(managerPage, 'GET', '/api/v1/approvals/mine');
    expect(mine.body.data).toEqual([]);
  });

  it('reads in Chinese', async () => {
    const id = await newDeal('Gamma');
    await submitByApi(id, 'Volume deal');
    await openDeal(repPage, id, 'Gamma');
    await repPage.getByTestId('language-switch').click();
    await pickMenuItem(repPage, '简体中文');
    const panel = panelOf(repPage);
    await panel.getByText('审批', { exact: true }).waitFor();
    await currentOf(repPage).getByText('折扣审批').waitFor();
    await currentOf(repPage).getByTestId('approval-status').getByText('审批中').waitFor();
    await repPage.getByTestId('approval-locked').getByText('已锁定：等待审批').waitFor();
    await panel.getByRole('button', { name: /撤回/ }).waitFor();
    await shot(repPage, 'approvals-record-zh-CN');
    await repPage.getByTestId('language-switch').click();
    await pickMenuItem(repPage, 'English');
    await panel.getByText('Approval', { exact: true }).waitFor();
  });

  it('fits a 390 px phone screen, and the manager approves from there', async () => {
    const phone = await openPage(browser, { width: 390, height: 844 });
    phone.page.setDefaultTimeout(20_000);
    await login(phone.page, url, manager);
    await phone.page.goto(url + '/approvals');
    const task = phone.page.getByTestId('my-approval');
    await task.getByRole('link', { name: `${PREFIX} Gamma` }).waitFor();
    expect(await fitsWidth(phone.page)).toBe(true);
    await shot(phone.page, 'approvals-mine-phone');
    await task.getByTestId('approve').click();
    await confirmDialog(phone.page, 'OK');
    await phone.page.getByTestId('my-approvals-empty').waitFor();

    const id = ids.deals[3]!;
    await openDeal(phone.page, id, 'Gamma');
    await currentOf(phone.page).getByTestId('approval-status').first().getByText('Approved').waitFor();
    await panelOf(phone.page).scrollIntoViewIfNeeded();
    await whenStill(phone.page);
    expect(await fitsWidth(phone.page)).toBe(true);
    expect(phone.problems).toEqual([]);
    await phone.page.context().close();
  });

  it('lets the manager delegate a task to another user, who then has it in their queue', async () => {
    const id = await newDeal('Delta');
    await submitByApi(id, 'Multi-year');
    const panel = await openDeal(managerPage, id, 'Delta');
    await panel.getByTestId('delegate').click();
    const dialog = await openedDialog(managerPage);
    const picker = dialog.getByRole('combobox', { name: 'Delegate to' });
    await picker.click();
    await picker.fill('Rita');
    await pickOption(managerPage, `${rep.name} <${rep.email}>`);
    await dialog.getByTestId('approval-dialog-ok').click();
    await dialog.waitFor({ state: 'detached' });
    const handed = currentOf(managerPage).getByTestId('approval-decision');
    await handed.getByTestId('approval-status').getByText('Delegated').waitFor();
    await handed.getByText('Rita Rep').waitFor();
    await currentOf(managerPage).getByTestId('approval-waiting').getByText('Rita Rep').waitFor();
    expect(await panel.getByTestId('approve').count()).toBe(0);
    await repPage.goto(url + '/approvals');
    await repPage.getByTestId('my-approval').getByText('delegated by Max Manager').waitFor();
    await expect.poll(() => repPage.getByTestId('nav-approvals').getAttribute('data-count')).toBe('1');
  });

  it('ran under the UI Content-Security-Policy without a violation or page error', () => {
    expect(repWatched.problems).toEqual([]);
    expect(managerWatched.problems).toEqual([]);
    expect(w.problems).toEqual([]);
  });
});

async function expectAccessible(p: Page): Promise<void> {
  const violations = await axeViolations(p);
  expect(violations, violations.join('\n')).toEqual([]);
}
