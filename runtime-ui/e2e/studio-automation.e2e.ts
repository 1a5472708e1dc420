import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  api,
  axeViolations,
  launch,
  openedDialog,
  openPage,
  pickMenuItem,
  pickOption,
  shot,
  type Watched,
} from './support/browser';
import { typeRule } from './support/studio';

/**
 * Automation in the studio (issue 13 point 6): an admin builds a workflow — trigger on create, a
 * condition, an updateRecord and a createRecord action, reordered with the keyboard — sees the
 * engine's refusal on the action it names, publishes, and a deal created through the API gets the
 * action's effect; the run is listed on the workflow and in the runtime UI's runs page reached
 * from it. An approval process built in the studio and published takes a submission through the
 * API. Everything made here is deleted afterwards: the other suites share this engine.
 */

const url = inject('engineUrl');
const admin = inject('admin');
const PREFIX = 'Automation e2e';
const WORKFLOW = 'automation_e2e_follow_up';
const PROCESS = 'automation_e2e_approval';
const R = '/api/v1/records';
let browser: Browser;
let w: Watched;
let page: Page;
const deals: string[] = [];

beforeAll(async () => {
  browser = await launch();
  w = await openPage(browser);
  page = w.page;
  page.setDefaultTimeout(20_000);
});
afterAll(async () => {
  if (page) {
    await api(page, 'DELETE', `/api/v1/meta/workflows/${WORKFLOW}`);
    await api(page, 'DELETE', `/api/v1/meta/approval-processes/${PROCESS}`);
    await api(page, 'POST', '/api/v1/meta/publish', {});
    if (deals.length) await api(page, 'POST', `${R}/opportunity/bulk-delete`, { ids: deals, allOrNone: false });
    const tasks = await api<{ data: { id: string }[] }>(
      page,
      'GET',
      `${R}/activity?filter=${encodeURIComponent(JSON.stringify({ subject: { contains: PREFIX } }))}`,
    );
    const ids = (tasks.body?.data ?? []).map((t) => t.id);
    if (ids.length) await api(page, 'POST', `${R}/activity/bulk-delete`, { ids, allOrNone: false });
  }
  await browser?.close();
});

/** Picks an option of the combobox with this accessible name, typing to find it. */
/** Types a rule into the editor of that id, and waits for the engine to accept it. */
async function typeCondition(id: string, rule: unknown): Promise<void> {
  await typeRule(page, page.locator(`#${id}`), JSON.stringify(rule));
  await page.locator(`#${id}`).locator('..').getByTestId('rule-ok').waitFor();
}

async function choose(scope: Page | Locator, name: string, option: string): Promise<void> {
  const box = scope.getByRole('combobox', { name });
  await box.click();
  await box.fill(option.slice(0, 5));
  await pickOption(page, option);
}

/** Adds an action through the type picker of the list whose button has this name. */
async function addAction(scope: Page | Locator, button: string, type: string): Promise<void> {
  await scope.getByRole('button', { name: button }).click();
  await pickMenuItem(page, type);
  // The menu fades out: gone before anything else looks at the page (axe would see it half-drawn).
  await page.locator('.ant-dropdown:not(.ant-dropdown-hidden)').waitFor({ state: 'detached' });
}

/** Publishes the draft from the header once its plan is on screen. */
async function publish(): Promise<void> {
  await page.getByTestId('publish').click();
  const dialog = await openedDialog(page);
  await dialog.getByTestId('confirm-publish').click();
  await page.getByText(/Published release \d+/).waitFor();
}

const actionTypes = () =>
  page.getByTestId('action-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));

const condition = { in: [PREFIX, { var: 'name' }] };

describe('automation in the studio', () => {
  it('lists the workflows under Automation in the studio header', async () => {
    await page.goto(url + '/studio/');
    await page.getByLabel('E-mail').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/studio/objects');
    await page.getByRole('navigation', { name: 'Studio areas' }).getByRole('link', { name: 'Automation' }).click();
    await page.waitForURL('**/studio/automation/workflows');
    await page.getByTestId('workflows-table').waitFor();
    await page.getByRole('tab', { name: 'Approval processes' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
  });

  it('builds a workflow: trigger, condition, two actions reordered by keyboard; a 422 lands on its action', async () => {
    await page.getByRole('button', { name: 'New workflow' }).click();
    await page.getByTestId('workflow-builder').waitFor();
    await page.getByTestId('workflow-label-en').fill('Automation e2e follow up');
    await page.getByTestId('workflow-label-zh').fill('自动化跟进');
    expect(await page.getByLabel('API name').inputValue()).toBe(WORKFLOW);
    await choose(page, 'Object', 'Opportunity');
    // The record trigger's form, generated from its schema branch, starts on create.
    const trigger = page.getByTestId('trigger-editor');
    await trigger.getByText('A change to a record of the workflow').waitFor();
    await trigger.getByText('create', { exact: true }).waitFor();
    await typeCondition('workflow-condition', condition);

    await addAction(page, 'Add an action to Actions', 'Update the record');
    const first = page.getByTestId('action-row').nth(0);
    // A field the object does not have: the engine refuses it, on this action's Values.
    await first.getByLabel('Values (JSON)').fill('{"no_such_field": "x"}');
    await addAction(page, 'Add an action to Actions', 'Create a record');
    const second = page.getByTestId('action-row').nth(1);
    await choose(second, 'Object', 'Activity');
    await second
      .getByLabel('Values (JSON)')
      .fill(JSON.stringify({ subject: { cat: [`${PREFIX} call `, { var: 'name' }] }, activity_type: 'call' }));
    expect(await actionTypes()).toEqual(['updateRecord', 'createRecord']);
    await shot(page, 'studio-workflow-builder');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByTestId('save-workflow').click();
    await first.getByText('"no_such_field" is not a field of opportunity').waitFor();
    expect(await second.getByText('is not a field of').count()).toBe(0);
    await first.getByLabel('Values (JSON)').fill('{"next_step": "Call back"}');

    // Keyboard dragging: pick up the second action, move it up, drop it; each step announced.
    await page.getByRole('button', { name: 'Drag action 2: Create a record' }).focus();
    await page.keyboard.press('Space');
    await page.getByText('Picked up action 2 (Create a record).', { exact: true }).waitFor({ state: 'attached' });
    // dnd-kit hears arrow keys from the tick after the pick-up: pressed until the move is announced.
    const moved = page.getByText('Action 2 (Create a record) is over action 1 (Update the record).', { exact: true });
    await expect
      .poll(async () => {
        await page.keyboard.press('ArrowUp');
        return moved.count();
      })
      .toBe(1);
    await page.keyboard.press('Space');
    await page.getByText(/^Dropped action/).waitFor({ state: 'attached' });
    expect(await actionTypes()).toEqual(['createRecord', 'updateRecord']);

    await page.getByTestId('save-workflow').click();
    await page.waitForURL(`**/studio/automation/workflows/${WORKFLOW}`);
    await page.getByText('Saved to the draft').waitFor();
    const saved = await api<Record<string, unknown>>(page, 'GET', `/api/v1/meta/workflows/${WORKFLOW}`);
    expect(saved.body).toMatchObject({
      object: 'opportunity',
      active: true,
      trigger: { on: 'create' },
      condition,
      actions: [
        { type: 'createRecord', object: 'activity' },
        { type: 'updateRecord', values: { next_step: 'Call back' } },
      ],
    });
  });

  it('publishes; a deal created through the API gets the actions, and the run is on the workflow', async () => {
    await publish();
    const created = await api<{ id: string }>(page, 'POST', `${R}/opportunity`, {
      name: `${PREFIX} deal`,
      stage: 'qualification',
      close_date: '2026-12-31',
      amount: 5000,
    });
    expect(created.status).toBe(201);
    deals.push(created.body.id);
    await expect
      .poll(
        async () =>
          (await api<{ next_step: string | null }>(page, 'GET', `${R}/opportunity/${created.body.id}`)).body.next_step,
        { timeout: 30_000 },
      )
      .toBe('Call back');
    // Not a deal of this suite: the condition holds it back.
    const other = await api<{ id: string }>(page, 'POST', `${R}/opportunity`, {
      name: 'Someone else’s deal',
      stage: 'qualification',
      close_date: '2026-12-31',
    });
    deals.push(other.body.id);

    await page.reload();
    const runs = page.getByTestId('recent-runs');
    await expect
      .poll(async () => {
        await runs.getByRole('button', { name: 'Refresh' }).click();
        return runs.locator('[data-status="succeeded"]').count();
      })
      .toBe(1);
    await shot(page, 'studio-workflow-runs');
    await runs.getByTestId('all-runs').click();
    await page.waitForURL(`**/automation/runs?workflow=${WORKFLOW}`);
    await page.getByTestId('open-run').getByText('Automation e2e follow up').waitFor();
    expect(await page.getByTestId('open-run').count()).toBe(1);
  });

  it('lists the workflow with its trigger in words and its last run', async () => {
    await page.goto(url + '/studio/automation/workflows');
    const row = page.getByTestId('workflows-table').getByRole('row', { name: /Automation e2e follow up/ });
    await row.getByText('On create').waitFor();
    await row.locator('[data-status="succeeded"]').waitFor();
  });

  it('saves with the ETag it read: a change made meanwhile is refused until the draft is read again', async () => {
    await page.goto(url + `/studio/automation/workflows/${WORKFLOW}`);
    const description = page.getByLabel('Description');
    await description.waitFor();
    // Another admin changes the workflow after the builder read it.
    const current = await api<Record<string, unknown>>(page, 'GET', `/api/v1/meta/workflows/${WORKFLOW}`);
    const theirs = await api(page, 'PUT', `/api/v1/meta/workflows/${WORKFLOW}`, {
      ...current.body,
      description: 'Changed by another admin',
    });
    expect(theirs.status).toBe(200);
    await description.fill('Mine');
    await page.getByTestId('save-workflow').click();
    await page.getByTestId('stale-alert').waitFor();
    const kept = await api<{ description?: string }>(page, 'GET', `/api/v1/meta/workflows/${WORKFLOW}`);
    expect(kept.body.description).toBe('Changed by another admin');
    await page.getByTestId('stale-alert').getByRole('button', { name: 'Reload' }).click();
    await page.getByTestId('stale-alert').waitFor({ state: 'detached' });
    // What was typed is still there, and saves over the fresh copy.
    expect(await description.inputValue()).toBe('Mine');
    await page.getByTestId('save-workflow').click();
    await page.getByText('Saved to the draft').waitFor();
    const mine = await api<{ description?: string }>(page, 'GET', `/api/v1/meta/workflows/${WORKFLOW}`);
    expect(mine.body.description).toBe('Mine');
  });

  it('builds an approval process with a step and an action, publishes it, and takes a submission', async () => {
    await page.goto(url + '/studio/automation/workflows');
    await page.getByRole('tab', { name: 'Approval processes' }).click();
    await page.waitForURL('**/studio/automation/approvals');
    await page.getByTestId('approvals-table').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'New approval process' }).click();
    await page.getByTestId('approval-editor').waitFor();
    await page.getByTestId('approval-label-en').fill('Automation e2e approval');
    await page.getByLabel('API name').fill(PROCESS);
    await choose(page, 'Object', 'Opportunity');
    await typeCondition('approval-entry-condition', condition);
    const step = page.getByTestId('step-row').first();
    await step.getByLabel('Label of step 1 (English)').fill('Owner');
    await step.getByLabel('The owner').check();
    await step.getByRole('button', { name: 'Drag step 1' }).waitFor();
    const onApprove = page.getByTestId('actions-onApprove');
    await addAction(onApprove, 'Add an action to Actions on final approval', 'Update the record');
    await onApprove.getByLabel('Values (JSON)').fill('{"next_step": "Approved"}');
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'studio-approval-editor');
    await page.getByTestId('save-approval').click();
    await page.waitForURL(`**/studio/automation/approvals/${PROCESS}`);
    const saved = await api<Record<string, unknown>>(page, 'GET', `/api/v1/meta/approval-processes/${PROCESS}`);
    expect(saved.body).toMatchObject({
      object: 'opportunity',
      entryCondition: condition,
      steps: [{ name: 'step_1', label: { en: 'Owner' }, approver: { owner: true } }],
      onApprove: [{ type: 'updateRecord', values: { next_step: 'Approved' } }],
    });
    await publish();

    const submitted = await api<{ status: string }>(page, 'POST', `${R}/opportunity/${deals[0]}/approval`, {
      comment: 'Please',
    });
    expect(submitted.status).toBe(201);
    expect(submitted.body.status).toBe('pending');
    // Not this process's record: its entry condition refuses it.
    const refused = await api(page, 'POST', `${R}/opportunity/${deals[1]}/approval`, { process: PROCESS });
    expect(refused.status).toBe(422);
    await api(page, 'POST', `${R}/opportunity/${deals[0]}/approval/recall`, { comment: 'done' });
  });

  it('deletes both from the draft through the lists', async () => {
    await page.goto(url + '/studio/automation/approvals');
    await page.getByRole('button', { name: 'Delete Automation e2e approval' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page
      .getByText('No approval processes yet')
      .or(page.getByText('Deleted Automation e2e approval'))
      .first()
      .waitFor();
    expect((await api(page, 'GET', `/api/v1/meta/approval-processes/${PROCESS}`)).status).toBe(404);
    await page.goto(url + '/studio/automation/workflows');
    await page.getByRole('button', { name: 'Delete Automation e2e follow up' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('Deleted Automation e2e follow up').waitFor();
    expect((await api(page, 'GET', `/api/v1/meta/workflows/${WORKFLOW}`)).status).toBe(404);
    expect(w.problems).toEqual([]);
  });
});
