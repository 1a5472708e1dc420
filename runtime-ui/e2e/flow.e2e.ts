import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  addCondition,
  api,
  ARTIFACTS,
  axeViolations,
  fitsWidth,
  launch,
  login,
  OPPORTUNITY_LINKS,
  openedDialog,
  openPage,
  pickMenuItem,
  pickOption,
  shot,
  waitForRows,
  type Watched,
} from './support/browser';

/**
 * What a sales rep does in a day, in a real browser against a real engine: sign in, create an
 * account and an opportunity through the forms, be told what is wrong with a field, filter and
 * sort, move the deal on the kanban (and be stopped by a validation rule), read the field
 * history, search, import, switch to Chinese, open the dashboard. Steps build on each other.
 */

const url = inject('engineUrl');
const admin = inject('admin');
let browser: Browser;
let w: Watched;
let page: Page;
let opportunityId = '';

const rowNames = (p: Page) => p.locator(OPPORTUNITY_LINKS).allInnerTexts();

beforeAll(async () => {
  browser = await launch();
  w = await openPage(browser);
  page = w.page;
  page.setDefaultTimeout(15_000);
});
afterAll(async () => {
  await browser?.close();
});

describe('a day in Tessera', () => {
  it('signs in and lands on the navigation built from metadata', async () => {
    await page.goto(url + '/o/account');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await shot(page, '01-login');
    await login(page, url, admin);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    for (const label of ['Accounts', 'Opportunities', 'Activities', 'Sales'])
      await nav.getByText(label, { exact: true }).waitFor();
  });

  it('creates an account through the generated form', async () => {
    await page.goto(url + '/o/account');
    await page.getByRole('link', { name: 'New' }).click();
    await page.waitForURL('**/o/account/new');
    await page.getByRole('textbox', { name: 'Account Name' }).fill('Acme Robotics');
    await page.getByLabel('City').fill('Shenzhen');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('record-title').getByText('Acme Robotics').waitFor();
    await page.getByText('Shenzhen').waitFor();
  });

  it('creates an opportunity, shows the server validation error on its field, then saves', async () => {
    await page.goto(url + '/o/opportunity/new');
    await page.getByLabel('Opportunity Name').fill('Robot fleet');
    await page.getByLabel('Account', { exact: true }).click();
    await page.getByLabel('Account', { exact: true }).fill('Acme');
    await pickOption(page, 'Acme Robotics');
    await page.getByLabel('Amount', { exact: true }).fill('-5');
    await page.getByLabel('Close Date').fill('2026-12-31');
    await page.getByLabel('Close Date').press('Enter');
    await page.getByRole('button', { name: 'Save' }).click();
    // The engine's rule message appears under the Amount field itself.
    const amountItem = page.locator('.ant-form-item:has(#root_amount)').first();
    await amountItem.getByText('Amount cannot be negative.').waitFor();
    await shot(page, '03-form-validation-error');
    await expectAccessible(page);

    await page.getByLabel('Amount', { exact: true }).fill('75000');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('record-title').getByText('Robot fleet').waitFor();
    opportunityId = page.url().split('/').pop()!;
    await page.getByTestId('highlights').getByText('Acme Robotics').waitFor();
    await page.getByTestId('stage-path').waitFor();
    await shot(page, '04-record-page');
    await expectAccessible(page);
  });

  it('filters and sorts the list', async () => {
    for (const [name, amount] of [
      ['Beta rollout', 2000],
      ['Gamma pilot', 500],
    ] as const) {
      expect(
        (await api(page, 'POST', '/api/v1/records/opportunity', { name, amount, close_date: '2026-11-30' })).status,
      ).toBe(201);
    }
    await page.goto(url + '/o/opportunity');
    await page.getByTestId('list-count').getByText('3 records').waitFor();
    await page.getByRole('columnheader', { name: 'Amount' }).click();
    await waitForRows(page, ['Gamma pilot', 'Beta rollout', 'Robot fleet']);
    await page.getByRole('columnheader', { name: 'Amount' }).click();
    await waitForRows(page, ['Robot fleet', 'Beta rollout', 'Gamma pilot']);

    await addCondition(page, 'Amount', 'at least', '1000');
    await page.getByTestId('list-count').getByText('2 records').waitFor();
    await waitForRows(page, ['Robot fleet', 'Beta rollout']);
    expect(await rowNames(page)).not.toContain('Gamma pilot');
    await shot(page, '05-list-filtered-sorted');
    await expectAccessible(page);
  });

  it('saves the filter and sort as a private view and opens it again', async () => {
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('Big deals');
    await (await openedDialog(page)).getByRole('button', { name: 'Save' }).click();
    await page.getByText('View saved').waitFor();
    const saved = new URL(page.url()).searchParams.get('view')!;
    expect(saved).toMatch(/^my_/);
    await page.goto(url + '/o/opportunity');
    await page.getByTestId('list-count').getByText('3 records').waitFor();
    await page.goto(`${url}/o/opportunity?view=${saved}`);
    await page.getByTestId('view-picker').getByText('Big deals').waitFor();
    await page.getByTestId('list-count').getByText('2 records').waitFor();
    await waitForRows(page, ['Robot fleet', 'Beta rollout']);
  });

  it('hands the selected records to another owner in one go', async () => {
    const rep = await api<{ id: string }>(page, 'POST', '/api/v1/users', {
      email: 'rep@example.test',
      password: 'a long enough password 1',
      name: 'Riley Rep',
      role: 'sales_rep',
      permissionSets: ['sales_user'],
    });
    expect(rep.status).toBe(201);
    // The filtered list still shows Robot fleet and Beta rollout; select both.
    await page.getByRole('checkbox', { name: /select all/i }).check();
    await page.getByTestId('bulk-actions').getByText('2 selected').waitFor();
    await page.getByRole('button', { name: 'Change owner' }).click();
    await page.getByRole('combobox', { name: 'New owner' }).fill('Riley');
    await pickOption(page, 'Riley Rep <rep@example.test>');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Transferred 2 records').waitFor();
    const owners = await api<{ data: { owner_id: string }[] }>(
      page,
      'GET',
      '/api/v1/records/opportunity?filter={"amount":{"gte":1000}}',
    );
    expect(owners.body.data.map((r) => r.owner_id)).toEqual([rep.body.id, rep.body.id]);
  });

  it('drags the opportunity on the kanban; a validation rule that refuses sends the card back', async () => {
    // Wide enough that every stage column is on screen, so the mouse can reach them all.
    await page.setViewportSize({ width: 2200, height: 900 });
    await page.goto(url + '/o/opportunity/kanban');
    const card = page.getByTestId(`kanban-card-${opportunityId}`);
    await page.getByTestId('kanban-column-prospecting').getByTestId(`kanban-card-${opportunityId}`).waitFor();
    await drag(page, card, page.getByTestId('kanban-column-qualification'));
    await page.getByText('Moved to Qualification').waitFor();
    await page.getByTestId('kanban-column-qualification').getByTestId(`kanban-card-${opportunityId}`).waitFor();
    expect(
      (
        await api<{ data: { stage: string }[] }>(
          page,
          'GET',
          `/api/v1/records/opportunity?filter={"id":"${opportunityId}"}&fields=stage`,
        )
      ).body.data[0]!.stage,
    ).toBe('qualification');
    await page.getByTestId('kanban-total-qualification').getByText('$75,000.00').waitFor();
    await shot(page, '06-kanban');

    // An admin adds a rule: a lost deal needs a reason. Dropping on "Closed Lost" is refused.
    const opp = (
      await api<Record<string, unknown> & { validationRules: unknown[] }>(
        page,
        'GET',
        '/api/v1/meta/objects/opportunity',
      )
    ).body;
    opp.validationRules.push({
      apiName: 'lost_needs_reason',
      errorField: 'description',
      active: true,
      condition: { and: [{ '==': [{ var: 'stage' }, 'closed_lost'] }, { '!': [{ var: 'description' }] }] },
      message: { en: 'Say why the deal was lost.', 'zh-CN': '请说明丢单原因。' },
    });
    expect((await api(page, 'PUT', '/api/v1/meta/objects/opportunity', opp)).status).toBe(200);
    expect((await api(page, 'POST', '/api/v1/meta/publish')).status).toBe(201);
    await drag(page, card, page.getByTestId('kanban-column-closed_lost'));
    await page.getByText('Say why the deal was lost.').waitFor();
    await page.getByTestId('kanban-column-qualification').getByTestId(`kanban-card-${opportunityId}`).waitFor();
    await shot(page, '06-kanban-refused');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('shows the stage change in the field history', async () => {
    await page.goto(`${url}/o/opportunity/${opportunityId}`);
    await page.getByRole('tab', { name: 'History' }).click();
    const history = page.getByTestId('field-history');
    const stageRow = history.locator('tr', { hasText: 'Stage' }).first();
    await stageRow.getByText('Prospecting').waitFor();
    await stageRow.getByText('Qualification').waitFor();
    await shot(page, '07-field-history');
  });

  it('logs a call from the record page and shows it on the timeline', async () => {
    await page.getByTestId('quick-log').getByLabel('Subject').fill('Discovery call with CTO');
    await page.getByTestId('quick-log').getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('activity-timeline').getByText('Discovery call with CTO').waitFor();
  });

  it('finds records with Ctrl+K and remembers them as recent items', async () => {
    await page.keyboard.press('Control+k');
    await page.getByTestId('search-input').fill('Acme');
    await page
      .getByRole('listbox', { name: 'Results' })
      .getByRole('option', { name: /Acme Robotics/ })
      .waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('record-title').getByText('Acme Robotics').waitFor();
    await page.keyboard.press('Control+k');
    await page.getByRole('listbox', { name: 'Recent items' }).getByText('Robot fleet').waitFor();
    await page.keyboard.press('Escape');
  });

  it('imports opportunities from CSV with column mapping and a progress bar', async () => {
    const csv = path.join(ARTIFACTS, 'import.csv');
    fs.writeFileSync(
      csv,
      'Opportunity Name,Amount,Close Date,Ignored\nDelta upgrade,1200,2026-10-01,x\nEpsilon renewal,800,2026-10-15,y\n',
    );
    await page.goto(url + '/o/opportunity');
    await page.getByRole('button', { name: 'Import' }).click();
    await page.locator('.ant-modal input[type=file]').setInputFiles(csv);
    await page.getByRole('combobox', { name: 'Field for column Ignored' }).waitFor();
    await page.getByTestId('import-start').click();
    await page
      .getByTestId('import-progress')
      .getByText(/Finished/)
      .waitFor();
    await page
      .getByTestId('import-progress')
      .getByText(/2 created/)
      .waitFor();
    await page.getByRole('button', { name: 'Close' }).last().click();
    await page.getByTestId('list-count').getByText('5 records').waitFor();
  });

  it('edits a cell in place', async () => {
    await page.goto(url + '/o/opportunity?view=opportunity_all');
    const row = page.locator('[data-testid="record-table"] .ant-table-row', { hasText: 'Gamma pilot' });
    const amountCell = row.locator('.ant-table-cell').nth(4);
    await amountCell.hover();
    await amountCell.getByRole('button', { name: 'Edit value' }).click();
    await amountCell.getByRole('spinbutton', { name: 'Amount' }).fill('650');
    await amountCell.getByRole('spinbutton', { name: 'Amount' }).press('Enter');
    await page.getByText('Saved', { exact: true }).waitFor();
    await amountCell.getByText('$650.00').waitFor();
  });

  it('creates a related record from the parent page, with the link back filled in', async () => {
    await page.keyboard.press('Control+k');
    await page.getByTestId('search-input').fill('Acme');
    await page
      .getByRole('listbox', { name: 'Results' })
      .getByRole('option', { name: /Acme Robotics/ })
      .click();
    await page.getByRole('tab', { name: 'Related' }).click();
    const opportunities = page.locator('.ant-card', { has: page.getByText(/^Opportunities \(\d+\)$/) });
    await opportunities.getByRole('link', { name: 'New' }).click();
    await page.waitForURL(/\/o\/opportunity\/new\?account=/);
    await page.locator('.ant-form-item:has(#root_account)').getByText('Acme Robotics').waitFor();
    await page.getByRole('textbox', { name: 'Opportunity Name' }).fill('Spare parts');
    await page.getByLabel('Close Date').fill('2027-02-01');
    await page.getByLabel('Close Date').press('Enter');
    await page.getByTestId('record-title').getByText('Spare parts').waitFor();
    await page.getByTestId('highlights').getByText('Acme Robotics').waitFor();
  });

  it('asks before leaving a form with unsaved changes', async () => {
    await page.goto(url + '/o/account/new');
    await page.getByRole('textbox', { name: 'Account Name' }).fill('Half-typed name');
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByText('Opportunities', { exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'You have unsaved changes. Leave anyway?' });
    await dialog.getByRole('button', { name: 'Stay' }).click();
    await page.getByRole('textbox', { name: 'Account Name' }).waitFor();
    expect(page.url()).toContain('/o/account/new');
    await nav.getByText('Opportunities', { exact: true }).click();
    await dialog.getByRole('button', { name: 'Leave' }).click();
    await page.waitForURL(/\/o\/opportunity$/);
  });

  it('shows a sales rep only the actions their permission sets grant', async () => {
    const rep = await openPage(browser);
    rep.page.setDefaultTimeout(15_000);
    await login(rep.page, url, { email: 'rep@example.test', password: 'a long enough password 1' });
    // Products: read only. Accounts: create and edit, but not delete.
    await rep.page.goto(url + '/o/product');
    await rep.page.getByRole('button', { name: 'Filter' }).waitFor();
    expect(await rep.page.getByRole('link', { name: 'New' }).count()).toBe(0);
    expect(await rep.page.getByRole('button', { name: 'Import' }).count()).toBe(0);
    await rep.page.goto(url + '/o/account');
    await rep.page.getByRole('link', { name: 'New' }).waitFor();
    // CSV import and export need the importData and exportData system permissions, which sales_user lacks.
    expect(await rep.page.getByRole('button', { name: 'Import' }).count()).toBe(0);
    expect(await rep.page.getByRole('button', { name: 'Export CSV' }).count()).toBe(0);
    await rep.page.getByRole('link', { name: 'Acme Robotics' }).click();
    await rep.page.getByRole('link', { name: 'Edit' }).waitFor();
    expect(await rep.page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    expect(rep.problems).toEqual([]);
    await rep.page.context().close();
  });

  it('switches to Chinese: UI strings, Ant Design and metadata labels', async () => {
    await page.goto(url + '/o/opportunity');
    await page.getByTestId('language-switch').click();
    await pickMenuItem(page, '简体中文');
    const nav = page.getByRole('navigation', { name: '主导航' });
    await nav.getByText('业务机会', { exact: true }).waitFor();
    await page.getByRole('columnheader', { name: '业务机会名称' }).waitFor();
    await page.getByRole('button', { name: /筛选/ }).waitFor();
    await shot(page, '08-list-zh-CN');
  });

  it('opens the sales dashboard with its charts', async () => {
    await page.goto(url + '/dashboards/sales');
    await page.getByText('各阶段销售管道').waitFor();
    await page.getByTestId('widget-funnel').locator('canvas').waitFor();
    await page.getByTestId('widget-bar').first().locator('canvas').waitFor();
    await shot(page, '09-dashboard-zh-CN');
    await page.getByTestId('language-switch').click();
    await pickMenuItem(page, 'English');
    await page.getByText('Pipeline by stage').waitFor();
  });

  it('fits a 390 px phone screen with no sideways scrolling', async () => {
    const phone = await openPage(browser, { width: 390, height: 844 });
    await login(phone.page, url, admin);
    for (const [name, target, ready] of [
      ['list', '/o/opportunity', '[data-testid="record-table"] .ant-table-row'],
      ['record', `/o/opportunity/${opportunityId}`, '[data-testid="record-title"]'],
      ['form', '/o/opportunity/new', '#root_name'],
      ['dashboard', '/dashboards/sales', '[data-testid="widget-funnel"]'],
    ] as const) {
      await phone.page.goto(url + target);
      await phone.page.locator(ready).first().waitFor();
      expect(await fitsWidth(phone.page), name).toBe(true);
      await shot(phone.page, `10-phone-${name}`);
    }
    expect(phone.problems).toEqual([]);
    await phone.page.context().close();
  });

  it('ran under the UI Content-Security-Policy without a violation or page error', () => {
    expect(w.problems).toEqual([]);
  });
});

async function drag(
  p: Page,
  card: ReturnType<Page['getByTestId']>,
  target: ReturnType<Page['getByTestId']>,
): Promise<void> {
  const from = (await card.boundingBox())!;
  const to = (await target.boundingBox())!;
  await p.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await p.mouse.down();
  await p.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 10, { steps: 3 });
  await p.mouse.move(to.x + to.width / 2, to.y + 60, { steps: 12 });
  await p.mouse.up();
}

async function expectAccessible(p: Page): Promise<void> {
  // Scan the page at rest: a select's popup list, while it animates closed, has no name of its own.
  await p.waitForFunction(() =>
    [...document.querySelectorAll<HTMLElement>('.ant-select-dropdown')].every(
      (el) => el.offsetParent === null || el.getBoundingClientRect().height === 0,
    ),
  );
  const violations = await axeViolations(p);
  if (violations.length) throw new Error(`axe-core found serious or critical violations:\n${violations.join('\n')}`);
}
