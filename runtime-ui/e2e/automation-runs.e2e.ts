import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  api,
  axeViolations,
  fitsWidth,
  launch,
  login,
  openPage,
  pickMenuItem,
  pickOption,
  shot,
  whenStill,
  type Watched,
} from './support/browser';

/**
 * The automation runs page, as an admin uses it: workflows published and triggered through the
 * API; the run listed as succeeded with its workflow and record, filtered by status and workflow
 * (kept in the address), paged on with "Load more"; its detail with the change that started it,
 * the condition and the updateRecord step; a run a validation rule refused, retried from the page
 * and refused again as a second attempt; a sales rep sent to the permission page. Everything
 * seeded is deleted afterwards: the other suites share this engine.
 */

const url = inject('engineUrl');
const admin = inject('admin');
const PREFIX = 'Runs e2e';
const R = '/api/v1/records';
const WON = 'runs_e2e_won';
const LOST = 'runs_e2e_lost';
/** More than a page of runs (50), so the list pages on. */
const BULK = 51;
const rep = { email: 'runs-rep@example.test', password: 'a long enough password 1' };
let browser: Browser;
let w: Watched;
let page: Page;
const ids: { won: string; lost: string; bulk: string[] } = { won: '', lost: '', bulk: [] };

interface Run {
  id: string;
  recordId: string;
  status: string;
  attempts: number;
  error: string | null;
}
const runsOf = async (workflow: string) =>
  (await api<{ runs: Run[] }>(page, 'GET', `/api/v1/automation/runs?workflow=${workflow}&limit=200`)).body.runs;
const finished = (runs: Run[]) => runs.every((r) => r.status === 'succeeded' || r.status === 'failed');

// Only records of this suite start runs, whatever the other suites do to opportunities meanwhile.
const ours = { in: [PREFIX, { var: 'name' }] };
const workflows = [
  {
    apiName: WON,
    label: { en: 'Won: plan the kick-off', 'zh-CN': '赢单：安排启动会' },
    object: 'opportunity',
    trigger: { on: 'update', changedTo: { stage: 'closed_won' } },
    condition: ours,
    actions: [{ type: 'updateRecord', values: { next_step: { cat: ['Kick-off for ', { var: 'name' }] } } }],
  },
  {
    apiName: LOST,
    label: { en: 'Lost: write the amount off', 'zh-CN': '丢单：金额冲销' },
    object: 'opportunity',
    trigger: { on: 'update', changedTo: { stage: 'closed_lost' } },
    condition: { and: [ours, { '==': [{ var: '$old.stage' }, 'proposal'] }] },
    // The second action sets what the amount_not_negative validation rule refuses at run time.
    actions: [
      { type: 'updateRecord', values: { next_step: 'Write off' } },
      { type: 'updateRecord', values: { amount: -5 } },
    ],
  },
];

const rowOf = (p: Page, text: string) => p.locator('[data-testid="runs-table"] .ant-table-row', { hasText: text });

beforeAll(async () => {
  browser = await launch();
  w = await openPage(browser);
  page = w.page;
  page.setDefaultTimeout(20_000);
  await login(page, url, admin);
  for (const workflow of workflows)
    expect((await api(page, 'POST', '/api/v1/meta/workflows', workflow)).status).toBe(201);
  expect((await api(page, 'POST', '/api/v1/meta/publish', {})).status).toBe(201);

  const deal = (name: string) => ({ name, stage: 'proposal', close_date: '2026-12-31', amount: 1000 });
  for (const key of ['won', 'lost'] as const) {
    const res = await api<{ id: string }>(page, 'POST', `${R}/opportunity`, deal(`${PREFIX} ${key}`));
    expect(res.status).toBe(201);
    ids[key] = res.body.id;
  }
  const bulk = await api<{ results: { id: string }[] }>(page, 'POST', `${R}/opportunity/bulk`, {
    records: Array.from({ length: BULK }, (_, i) => deal(`${PREFIX} bulk ${String(i).padStart(2, '0')}`)),
  });
  expect(bulk.status).toBe(200);
  ids.bulk = bulk.body.results.map((r) => r.id);
});

afterAll(async () => {
  if (page) {
    for (const { apiName } of workflows) await api(page, 'DELETE', `/api/v1/meta/workflows/${apiName}`);
    await api(page, 'POST', '/api/v1/meta/publish', {});
    const seeded = [ids.won, ids.lost, ...ids.bulk].filter(Boolean);
    if (seeded.length) await api(page, 'POST', `${R}/opportunity/bulk-delete`, { ids: seeded, allOrNone: false });
  }
  await browser?.close();
});

describe('automation runs', () => {
  it('runs the workflows on the changes made through the API', async () => {
    // The bulk deals are won first, so the single one is the newest run of its workflow.
    const won = await api(page, 'PATCH', `${R}/opportunity/bulk`, {
      records: ids.bulk.map((id) => ({ id, stage: 'closed_won' })),
      allOrNone: true,
    });
    expect(won.status).toBe(200);
    await expect
      .poll(
        async () => {
          const runs = await runsOf(WON);
          return finished(runs) ? runs.length : -1;
        },
        { timeout: 60_000 },
      )
      .toBe(BULK);
    expect((await api(page, 'PATCH', `${R}/opportunity/${ids.won}`, { stage: 'closed_won' })).status).toBe(200);
    // With a reason: another suite adds a rule that a lost deal needs one.
    const lost = { stage: 'closed_lost', description: 'Budget cut' };
    expect((await api(page, 'PATCH', `${R}/opportunity/${ids.lost}`, lost)).status).toBe(200);
    await expect
      .poll(
        async () => [...(await runsOf(WON)).slice(0, 1), ...(await runsOf(LOST))].map((r) => [r.recordId, r.status]),
        {
          timeout: 30_000,
        },
      )
      .toEqual([
        [ids.won, 'succeeded'],
        [ids.lost, 'failed'],
      ]);
  });

  it('lists the run as succeeded, with its workflow, record, event and changed field', async () => {
    await page.goto(url + '/o/opportunity');
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByText('Automation runs', { exact: true })
      .click();
    await page.waitForURL('**/automation/runs');
    await page.getByRole('heading', { name: 'Automation runs' }).waitFor();
    const row = rowOf(page, `${PREFIX} won`);
    await row.waitFor();
    for (const text of ['Succeeded', 'Won: plan the kick-off', 'Opportunity', 'Updated', 'Stage'])
      await row.getByText(text, { exact: true }).waitFor();
    expect(await row.getByRole('link', { name: `${PREFIX} won` }).getAttribute('href')).toBe(
      `/o/opportunity/${ids.won}`,
    );
    await rowOf(page, `${PREFIX} lost`).getByText('Failed', { exact: true }).waitFor();
    await shot(page, 'automation-runs-list');
    await expectAccessible(page);
  });

  it('filters by status and workflow, kept in the address, and pages on with Load more', async () => {
    await page.getByTestId('status-filter').click();
    await pickOption(page, 'Failed');
    await page.waitForURL(/status=failed/);
    await rowOf(page, `${PREFIX} lost`).waitFor();
    await expect.poll(() => rowOf(page, PREFIX).count()).toBe(1);

    await page.goto(`${url}/automation/runs?workflow=${WON}`);
    await page.getByTestId('workflow-filter').getByText('Won: plan the kick-off').waitFor();
    await page.getByTestId('runs-shown').getByText('50 runs shown').waitFor();
    // Newest first: the single deal was won after the bulk ones.
    await expect
      .poll(() => page.locator('[data-testid="runs-table"] .ant-table-row').first().innerText())
      .toContain(`${PREFIX} won`);
    await page.getByTestId('runs-more').click();
    await page
      .getByTestId('runs-shown')
      .getByText(`${BULK + 1} runs shown`)
      .waitFor();
    await page.getByTestId('runs-more').waitFor({ state: 'detached' });
    await rowOf(page, `${PREFIX} bulk 00`).waitFor();
    await expect.poll(() => rowOf(page, `${PREFIX} lost`).count()).toBe(0);
  });

  it('opens a run: the change that started it, the condition and the updateRecord step', async () => {
    await rowOf(page, `${PREFIX} won`).getByTestId('open-run').click();
    const drawer = page.getByTestId('run-detail');
    await drawer.waitFor();
    await whenStill(page);
    expect(new URL(page.url()).searchParams.get('run')).toBe((await runsOf(WON))[0]!.id);
    const stage = drawer.getByTestId('run-changes').locator('tr', { hasText: 'Stage' });
    await stage.getByText('Proposal').waitFor();
    await stage.getByText('Closed Won').waitFor();
    await drawer.getByText(`"${PREFIX}"`).first().waitFor();
    const action = drawer.locator('[data-testid="run-action"][data-action="updateRecord"]');
    expect(await action.count()).toBe(1);
    await action.getByText('1. Update the record').waitFor();
    const attempt = action.getByTestId('run-attempt');
    expect(await attempt.getAttribute('data-status')).toBe('succeeded');
    await attempt.getByText('Attempt 1').waitFor();
    await attempt.getByText(`"Kick-off for ${PREFIX} won"`).waitFor();
    await shot(page, 'automation-run-detail');
    await expectAccessible(page);
    await action.scrollIntoViewIfNeeded();
    await shot(page, 'automation-run-detail-actions');

    // What the step wrote is on the record.
    await drawer.getByRole('link', { name: `${PREFIX} won` }).click();
    await page.getByTestId('record-title').getByText(`${PREFIX} won`).waitFor();
    await page.getByText(`Kick-off for ${PREFIX} won`).waitFor();
  });

  it('retries a run a validation rule refused: the refused action runs again and is refused again', async () => {
    const [run] = await runsOf(LOST);
    await page.goto(`${url}/automation/runs?status=failed&run=${run!.id}`);
    const drawer = page.getByTestId('run-detail');
    await drawer
      .getByTestId('run-error')
      .getByText(/Amount cannot be negative\./)
      .waitFor();
    const actions = drawer.getByTestId('run-action');
    await expect.poll(() => actions.count()).toBe(2);
    expect(await actions.nth(0).getByTestId('run-attempt').getAttribute('data-status')).toBe('succeeded');
    await actions
      .nth(1)
      .getByTestId('run-attempt-error')
      .getByText(/Amount cannot be negative\./)
      .waitFor();

    await page.getByTestId('retry-run').click();
    await page.getByText('Queued again: it goes on from the action that failed.').waitFor();
    // The engine goes on from the failed action (the first is not done twice) and the rule refuses it again.
    await expect
      .poll(async () => {
        const detail = await api<{ status: string; attempts: number; steps: { step: number; attempt: number }[] }>(
          page,
          'GET',
          `/api/v1/automation/runs/${run!.id}`,
        );
        return [detail.body.status, detail.body.attempts, detail.body.steps.map((s) => [s.step, s.attempt])];
      })
      .toEqual([
        'failed',
        2,
        [
          [0, 1],
          [1, 1],
          [1, 2],
        ],
      ]);
    // The drawer reads the run again until it has finished: the second attempt shows, refused like the first.
    await page.locator('[data-testid="run-detail"][data-status="failed"]').waitFor();
    await actions.nth(1).getByText('Attempt 2').waitFor();
    expect(
      await actions
        .nth(1)
        .getByTestId('run-attempt')
        .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.status)),
    ).toEqual(['failed', 'failed']);
    expect(await actions.nth(1).getByTestId('run-attempt-error').count()).toBe(2);
    expect(await actions.nth(0).getByTestId('run-attempt').count()).toBe(1);
    await page.getByTestId('retry-run').waitFor();
    await actions.nth(1).scrollIntoViewIfNeeded();
    await shot(page, 'automation-run-retried');
  });

  it('reads in Chinese', async () => {
    await page.goto(`${url}/automation/runs?workflow=${LOST}`);
    await page.getByTestId('language-switch').click();
    await pickMenuItem(page, '简体中文');
    await page.getByRole('heading', { name: '自动化运行记录' }).waitFor();
    await rowOf(page, `${PREFIX} lost`).getByText('失败', { exact: true }).waitFor();
    await rowOf(page, `${PREFIX} lost`).getByTestId('open-run').click();
    await page.getByTestId('run-detail').getByText('触发本次运行的修改').waitFor();
    await whenStill(page);
    await shot(page, 'automation-run-detail-zh-CN');
    await page.keyboard.press('Escape');
    await page.getByTestId('run-detail').waitFor({ state: 'detached' });
    await page.getByTestId('language-switch').click();
    await pickMenuItem(page, 'English');
    await page.getByRole('heading', { name: 'Automation runs' }).waitFor();
  });

  it('fits a 390 px phone screen with no sideways scrolling, list and detail', async () => {
    const phone = await openPage(browser, { width: 390, height: 844 });
    phone.page.setDefaultTimeout(20_000);
    await login(phone.page, url, admin);
    await phone.page.goto(`${url}/automation/runs?workflow=${LOST}`);
    await rowOf(phone.page, `${PREFIX} lost`).waitFor();
    expect(await fitsWidth(phone.page)).toBe(true);
    await shot(phone.page, 'automation-runs-phone');
    await rowOf(phone.page, `${PREFIX} lost`).getByTestId('open-run').click();
    await phone.page.getByTestId('run-detail').getByTestId('run-changes').waitFor();
    await whenStill(phone.page);
    expect(await fitsWidth(phone.page)).toBe(true);
    await shot(phone.page, 'automation-run-detail-phone');
    expect(phone.problems).toEqual([]);
    await phone.page.context().close();
  });

  it('sends a user without manageMetadata to the permission page, and the API refuses them', async () => {
    const created = await api(page, 'POST', '/api/v1/users', {
      ...rep,
      name: 'Rory Runs',
      role: 'sales_rep',
      permissionSets: ['sales_user'],
    });
    expect(created.status).toBe(201);
    const other = await openPage(browser);
    other.page.setDefaultTimeout(20_000);
    await login(other.page, url, rep);
    const nav = other.page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByText('Opportunities', { exact: true }).waitFor();
    expect(await nav.getByText('Automation runs').count()).toBe(0);
    await other.page.goto(url + '/automation/runs');
    await other.page
      .getByTestId('no-permission')
      .getByText('You need the “Manage metadata” permission to open this page.')
      .waitFor();
    await shot(other.page, 'automation-runs-no-permission');
    const refused = await api<{ status: number; title: string }>(other.page, 'GET', '/api/v1/automation/runs');
    expect([refused.status, refused.body.status]).toEqual([403, 403]);
    expect(other.problems).toEqual([]);
    await other.page.context().close();
  });

  it('ran under the UI Content-Security-Policy without a violation or page error', () => {
    expect(w.problems).toEqual([]);
  });
});

async function expectAccessible(p: Page): Promise<void> {
  // Scan the page at rest: a select's popup list, while it animates closed, has no name of its own.
  await p.waitForFunction(() =>
    [...document.querySelectorAll<HTMLElement>('.ant-select-dropdown')].every(
      (el) => el.offsetParent === null || el.getBoundingClientRect().height === 0,
    ),
  );
  const violations = await axeViolations(p);
  expect(violations, violations.join('\n')).toEqual([]);
}
