import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  api,
  fitsWidth,
  launch,
  login,
  openPage,
  pickMenuItem,
  shot,
  waitForRows,
  whenStill,
  type Watched,
} from './support/browser';

/**
 * Manual workflows as people start them: a workflow published through the API shows as a button
 * in the record header (a "Run" drop-down on a phone) and in the bulk bar of selected list rows;
 * clicked and confirmed, it starts a run and the record shows its change; a record its condition
 * does not hold for is skipped with the reason; in Chinese the labels are the workflow's own; a
 * user who may not read the object gets no button. Everything seeded is removed afterwards: the
 * other suites share this engine, and only this suite's records and workflow are touched.
 */

const url = inject('engineUrl');
const admin = inject('admin');
const PREFIX = 'Manual e2e';
const WORKFLOW = 'e2e_escalate';
const R = '/api/v1/records';
const support = { email: 'manual-support@example.test', password: 'a long enough password 4' };
let browser: Browser;
let w: Watched;
let page: Page;
const ids = { open: '', lost: '', bulkOpen: '', bulkLost: '', view: '', support: '' };

const escalate = {
  apiName: WORKFLOW,
  label: { en: 'Escalate', 'zh-CN': '升级' },
  object: 'opportunity',
  trigger: { manual: true },
  condition: { '!=': [{ var: 'stage' }, 'closed_lost'] },
  actions: [{ type: 'updateRecord', values: { next_step: { cat: ['Escalated: ', { var: 'name' }] } } }],
};

const nextStep = async (id: string) =>
  (await api<{ next_step: string | null }>(page, 'GET', `${R}/opportunity/${id}`)).body.next_step;

/** The dialog with this title once it has opened (another may still be closing meanwhile). */
async function namedDialog(p: Page, title: string): Promise<Locator> {
  const dialog = p.getByRole('dialog', { name: title });
  await dialog.waitFor();
  await whenStill(p);
  return dialog;
}

/** The confirmation naming the workflow, answered with its Run button. */
async function confirmRun(p: Page, title: string, run: string | RegExp = 'Run'): Promise<void> {
  const dialog = await namedDialog(p, title);
  await dialog.getByRole('button', { name: run, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

beforeAll(async () => {
  browser = await launch();
  w = await openPage(browser);
  page = w.page;
  page.setDefaultTimeout(20_000);
  await login(page, url, admin);
  expect((await api(page, 'POST', '/api/v1/meta/workflows', escalate)).status).toBe(201);
  expect((await api(page, 'POST', '/api/v1/meta/publish', {})).status).toBe(201);

  const deal = (name: string, stage = 'prospecting') => ({
    name: `${PREFIX} ${name}`,
    stage,
    close_date: '2026-12-31',
    amount: 1000,
    // Another suite publishes a rule that a lost deal needs a reason.
    ...(stage === 'closed_lost' ? { description: 'Budget cut' } : {}),
  });
  for (const [key, name, stage] of [
    ['open', 'open', 'prospecting'],
    ['lost', 'lost', 'closed_lost'],
    ['bulkOpen', 'bulk open', 'qualification'],
    ['bulkLost', 'bulk lost', 'closed_lost'],
  ] as const) {
    const res = await api<{ id: string }>(page, 'POST', `${R}/opportunity`, deal(name, stage));
    expect(res.status).toBe(201);
    ids[key] = res.body.id;
  }
  // A private view of this suite's bulk deals, with the field the workflow writes as a column.
  const view = await api<{ id: string }>(page, 'POST', '/api/v1/views/opportunity', {
    label: `${PREFIX} bulk`,
    columns: ['name', 'stage', 'next_step'],
    filter: { name: { startsWith: `${PREFIX} bulk` } },
    sort: 'name',
  });
  expect(view.status).toBe(201);
  ids.view = view.body.id;
});

afterAll(async () => {
  if (page) {
    await api(page, 'DELETE', `/api/v1/meta/workflows/${WORKFLOW}`);
    await api(page, 'POST', '/api/v1/meta/publish', {});
    const seeded = [ids.open, ids.lost, ids.bulkOpen, ids.bulkLost].filter(Boolean);
    if (seeded.length) await api(page, 'POST', `${R}/opportunity/bulk-delete`, { ids: seeded, allOrNone: false });
    if (ids.view) await api(page, 'DELETE', `/api/v1/views/opportunity/${ids.view}`);
    // Users are not deleted, only deactivated.
    if (ids.support) await api(page, 'PATCH', `/api/v1/users/${ids.support}`, { active: false });
  }
  await browser?.close();
});

describe('manual workflows', () => {
  it('runs from the record header once confirmed, and the record shows the change', async () => {
    await page.goto(`${url}/o/opportunity/${ids.open}`);
    await page.getByTestId('record-title').getByText(`${PREFIX} open`).waitFor();
    const button = page.getByTestId(`run-workflow-${WORKFLOW}`);
    await button.getByText('Escalate', { exact: true }).waitFor();
    await shot(page, 'manual-workflow-record-header');

    await button.click();
    await confirmRun(page, 'Run “Escalate”?');
    const started = page.getByTestId('workflow-started');
    await started.getByText('Started “Escalate”').waitFor();
    // The run changes the record in the background; the page reads it again once it has.
    await page.getByText(`Escalated: ${PREFIX} open`, { exact: true }).waitFor();
    expect(await nextStep(ids.open)).toBe(`Escalated: ${PREFIX} open`);
    await shot(page, 'manual-workflow-record-started');

    // An admin's message links to the run on the runs page.
    await started.getByRole('link', { name: 'View the run' }).click();
    await page.waitForURL(/\/automation\/runs\?workflow=e2e_escalate&run=/);
    const drawer = page.locator('[data-testid="run-detail"][data-status="succeeded"]');
    await drawer.waitFor();
    await drawer.getByRole('link', { name: `${PREFIX} open` }).waitFor();
  });

  it('says why a record was not started: its condition does not hold', async () => {
    await page.goto(`${url}/o/opportunity/${ids.lost}`);
    await page.getByTestId('record-title').getByText(`${PREFIX} lost`).waitFor();
    await page.getByTestId(`run-workflow-${WORKFLOW}`).click();
    await confirmRun(page, 'Run “Escalate”?');
    await page.getByText('Not started: the condition does not hold').waitFor();
    expect(await nextStep(ids.lost)).toBeNull();
  });

  it('runs for selected list rows, skipping the one its condition does not hold for', async () => {
    await page.goto(`${url}/o/opportunity?view=my_${ids.view}`);
    await waitForRows(page, [`${PREFIX} bulk lost`, `${PREFIX} bulk open`]);
    await page.getByRole('checkbox', { name: /select all/i }).check();
    const bar = page.getByTestId('bulk-actions');
    await bar.getByText('2 selected').waitFor();
    const button = bar.getByTestId(`run-workflow-${WORKFLOW}`);
    await button.getByText('Run: Escalate', { exact: true }).waitFor();
    await shot(page, 'manual-workflow-bulk-bar');

    await button.click();
    await confirmRun(page, 'Run “Escalate”?');
    // The progress dialog gives way to the outcome.
    const summary = await namedDialog(page, '“Escalate”: 1 started, 1 skipped');
    const skipped = summary.getByTestId('workflow-skipped').locator('.ant-table-row');
    expect(await skipped.count()).toBe(1);
    await skipped.getByText('the condition does not hold').waitFor();
    await skipped.getByRole('link', { name: `${PREFIX} bulk lost` }).waitFor();
    await shot(page, 'manual-workflow-bulk-summary');
    await summary.locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click();
    await bar.waitFor({ state: 'detached' });

    // The list is read again once the run has changed the record.
    const row = (name: string) => page.locator('[data-testid="record-table"] .ant-table-row', { hasText: name });
    await row(`${PREFIX} bulk open`).getByText(`Escalated: ${PREFIX} bulk open`).waitFor();
    expect(await row(`${PREFIX} bulk lost`).getByText('Escalated').count()).toBe(0);
    expect([await nextStep(ids.bulkOpen), await nextStep(ids.bulkLost)]).toEqual([
      `Escalated: ${PREFIX} bulk open`,
      null,
    ]);
  });

  it('reads in Chinese: the workflow’s own label, the UI’s words for the reason', async () => {
    await page.goto(`${url}/o/opportunity/${ids.lost}`);
    await page.getByTestId('language-switch').click();
    await pickMenuItem(page, '简体中文');
    const button = page.getByTestId(`run-workflow-${WORKFLOW}`);
    await button.getByText('升级', { exact: true }).waitFor();
    await shot(page, 'manual-workflow-record-zh-CN');
    await button.click();
    // Ant Design spaces out a two-character Chinese button label.
    await confirmRun(page, '运行“升级”？', /^运 ?行$/);
    await page.getByText('未启动：条件不成立').waitFor();

    await page.goto(`${url}/o/opportunity?view=my_${ids.view}`);
    await waitForRows(page, [`${PREFIX} bulk lost`, `${PREFIX} bulk open`]);
    await page.getByRole('checkbox', { name: /select all|全选/i }).check();
    await page
      .getByTestId('bulk-actions')
      .getByTestId(`run-workflow-${WORKFLOW}`)
      .getByText('运行：升级', { exact: true })
      .waitFor();
    await shot(page, 'manual-workflow-bulk-bar-zh-CN');
    await page.getByRole('checkbox', { name: /select all|全选/i }).uncheck();
    await page.getByTestId('language-switch').click();
    await pickMenuItem(page, 'English');
    await page.getByRole('heading', { name: 'Opportunities' }).waitFor();
  });

  it('folds the buttons into a Run drop-down on a 390 px phone screen, and runs from it', async () => {
    expect((await api(page, 'PATCH', `${R}/opportunity/${ids.open}`, { next_step: 'Call back' })).status).toBe(200);
    const phone = await openPage(browser, { width: 390, height: 844 });
    phone.page.setDefaultTimeout(20_000);
    await login(phone.page, url, admin);
    await phone.page.goto(`${url}/o/opportunity/${ids.open}`);
    await phone.page.getByText('Call back', { exact: true }).waitFor();
    const run = phone.page.getByTestId('run-workflows');
    await run.waitFor();
    expect(await phone.page.getByTestId(`run-workflow-${WORKFLOW}`).count()).toBe(0);
    expect(await fitsWidth(phone.page)).toBe(true);
    await shot(phone.page, 'manual-workflow-phone');

    await run.click();
    await phone.page.getByRole('menuitem', { name: 'Escalate' }).waitFor();
    await shot(phone.page, 'manual-workflow-phone-menu');
    await pickMenuItem(phone.page, 'Escalate');
    await confirmRun(phone.page, 'Run “Escalate”?');
    await phone.page.getByTestId('workflow-started').getByText('Started “Escalate”').waitFor();
    await phone.page.getByText(`Escalated: ${PREFIX} open`, { exact: true }).waitFor();
    expect(await fitsWidth(phone.page)).toBe(true);
    expect(phone.problems).toEqual([]);
    await phone.page.context().close();
  });

  it('shows no button to a user who may not read the object, and the engine refuses them', async () => {
    const created = await api<{ id: string }>(page, 'POST', '/api/v1/users', {
      ...support,
      name: 'Sam Support',
      role: 'support_agent',
      permissionSets: ['support_user'],
    });
    expect(created.status).toBe(201);
    ids.support = created.body.id;
    const other = await openPage(browser);
    other.page.setDefaultTimeout(20_000);
    await login(other.page, url, support);
    const runtime = await api<{ actions: { apiName: string }[] }>(other.page, 'GET', '/api/v1/meta/runtime');
    expect(runtime.body.actions.map((a) => a.apiName)).not.toContain(WORKFLOW);
    await other.page.goto(`${url}/o/opportunity/${ids.open}`);
    await other.page.getByText('Nothing here').waitFor();
    expect(await other.page.getByTestId(`run-workflow-${WORKFLOW}`).count()).toBe(0);
    expect(await other.page.getByTestId('run-workflows').count()).toBe(0);
    const refused = await api(other.page, 'POST', `/api/v1/automation/workflows/${WORKFLOW}/run`, {
      records: [ids.open],
    });
    expect(refused.status).toBe(404);
    expect(other.problems).toEqual([]);
    await other.page.context().close();
  });

  it('ran under the UI Content-Security-Policy without a violation or page error', () => {
    expect(w.problems).toEqual([]);
  });
});
