import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { api, launch, login, openedDialog, openPage, shot, type Watched } from './support/browser';

/**
 * Many records at once, in a real browser against a real engine: more than 500 opportunities
 * seeded through the bulk API, a kanban column loaded past its first page with its count and total
 * from the aggregate API, the owner of every listed deal changed in one go (one refused row listed
 * with the engine's reason), and a chart grouped by account naming the accounts. Everything seeded
 * is deleted again afterwards: the other suites share this engine.
 */

const url = inject('engineUrl');
const admin = inject('admin');
const PREFIX = 'Bulk deal';
const IN_PROSPECTING = 560;
const IN_QUALIFICATION = 60;
const R = '/api/v1/records';
let browser: Browser;
let w: Watched;
let page: Page;
const accounts: Record<'kestrel' | 'osprey', string> = { kestrel: '', osprey: '' };
let deals: string[] = [];

const name = (i: number) => `${PREFIX} ${String(i).padStart(4, '0')}`;

beforeAll(async () => {
  browser = await launch();
  w = await openPage(browser, { width: 2200, height: 900 });
  page = w.page;
  page.setDefaultTimeout(30_000);
  await login(page, url, admin);
  for (const [key, label] of [
    ['kestrel', 'Kestrel Aviation'],
    ['osprey', 'Osprey Shipping'],
  ] as const) {
    const res = await api<{ id: string }>(page, 'POST', `${R}/account`, { name: label });
    expect(res.status).toBe(201);
    accounts[key] = res.body.id;
  }
  // Amounts above anything the other suites create, so these deals lead a list sorted by amount.
  const records = Array.from({ length: IN_PROSPECTING + IN_QUALIFICATION }, (_, i) => ({
    name: name(i),
    stage: i < IN_PROSPECTING ? 'prospecting' : 'qualification',
    amount: 1_000_000 + i,
    close_date: '2026-06-30',
    account: i % 3 ? accounts.kestrel : accounts.osprey,
  }));
  const bulk = await api<{ created: number; results: { id: string }[] }>(page, 'POST', `${R}/opportunity/bulk`, {
    records,
  });
  expect(bulk.status).toBe(200);
  expect(bulk.body.created).toBe(records.length);
  deals = bulk.body.results.map((r) => r.id);
});

afterAll(async () => {
  if (page && deals.length) {
    const removed = await api<{ deleted: number }>(page, 'POST', `${R}/opportunity/bulk-delete`, {
      ids: deals,
      allOrNone: false,
    });
    expect(removed.status).toBe(200);
    await api(page, 'POST', `${R}/account/bulk-delete`, {
      ids: Object.values(accounts).filter(Boolean),
      allOrNone: false,
    });
    if ((await api(page, 'GET', '/api/v1/meta/dashboards/bulk_by_account')).status === 200) {
      await api(page, 'DELETE', '/api/v1/meta/dashboards/bulk_by_account');
      await api(page, 'POST', '/api/v1/meta/publish');
    }
  }
  await browser?.close();
});

describe('many records at once', () => {
  it('loads a kanban column past its first page, with the count and total of the whole column', async () => {
    const totals = await api<{ data: Record<string, unknown>[] }>(
      page,
      'GET',
      `${R}/opportunity/aggregate?groupBy=stage&metrics=count,sum:amount&currency=corporate`,
    );
    const prospecting = totals.body.data.find((r) => r.stage === 'prospecting')!;
    const count = Number(prospecting.count);
    expect(count).toBeGreaterThanOrEqual(IN_PROSPECTING);
    const corporate = (await api<{ corporate: string }>(page, 'GET', '/api/v1/currencies')).body.corporate;
    const money = new Intl.NumberFormat('en', { style: 'currency', currency: corporate }).format(
      Number(prospecting['sum:amount']),
    );

    await page.goto(url + '/o/opportunity/kanban');
    const column = page.getByTestId('kanban-column-prospecting');
    await page
      .getByTestId('kanban-total-prospecting')
      .getByText(`${count.toLocaleString('en')} · ${money}`)
      .waitFor();
    const shown = page.getByTestId('kanban-shown-prospecting');
    await shown.getByText(`50 of ${count.toLocaleString('en')} shown`).waitFor();
    // The smallest of the seeded deals sorts last: not on the first page.
    const last = column.getByTestId(`kanban-card-${deals[0]}`);
    expect(await last.count()).toBe(0);
    const more = page.getByTestId('kanban-more-prospecting');
    while (await more.count()) {
      const before = Number(await shown.getAttribute('data-shown'));
      await more.click();
      await page.waitForFunction(
        (n) =>
          Number(document.querySelector('[data-testid="kanban-shown-prospecting"]')?.getAttribute('data-shown')) > n,
        before,
      );
    }
    expect(Number(await shown.getAttribute('data-shown'))).toBe(count);
    await last.scrollIntoViewIfNeeded();
    await last.waitFor();
    await shown.getByText(`${count.toLocaleString('en')} of ${count.toLocaleString('en')} shown`).waitFor();
    await shot(page, 'kanban-past-first-page');
  });

  it('changes the owner of every listed deal in one go, and lists the one the engine refused', async () => {
    const owner = await api<{ id: string }>(page, 'POST', '/api/v1/users', {
      email: 'bulk-owner@example.test',
      password: 'a long enough password 2',
      name: 'Bailey Bulk',
      role: 'sales_rep',
      permissionSets: ['sales_user'],
    });
    expect(owner.status).toBe(201);
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.goto(`${url}/o/opportunity?sort=-amount`);
    const loaded = page.getByTestId('list-loaded');
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="list-loaded"]')?.getAttribute('data-loaded')) > 0,
    );
    const body = page.locator('[data-testid="record-table"] .ant-table-tbody-virtual-holder').first();
    while ((await loaded.getAttribute('data-more')) !== 'no') {
      const before = Number(await loaded.getAttribute('data-loaded'));
      await body.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      await page.waitForFunction(
        (n) => Number(document.querySelector('[data-testid="list-loaded"]')!.getAttribute('data-loaded')) > n,
        before,
      );
    }
    const rows = Number(await loaded.getAttribute('data-loaded'));
    expect(rows).toBeGreaterThanOrEqual(deals.length);
    // Someone saves one of the deals after the list was read: its version moves on, and the bulk
    // change refuses that row (stale) instead of overwriting it.
    expect((await api(page, 'PATCH', `${R}/opportunity/${deals[7]}`, { next_step: 'Call back' })).status).toBe(200);

    await page.getByRole('checkbox', { name: /select all/i }).check();
    await page.getByTestId('bulk-actions').getByText(`${rows} selected`).waitFor();
    await page.getByRole('button', { name: 'Change owner' }).click();
    await page.getByText('are skipped and listed').waitFor();
    await page.getByRole('combobox', { name: 'New owner' }).fill('Bailey');
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option[title="Bailey Bulk <bulk-owner@example.test>"]')
      .click();
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/records/opportunity/')) requests.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    await page.getByRole('button', { name: 'Apply' }).click();
    const failures = page.getByTestId('bulk-failures');
    await failures.getByText(name(7)).waitFor();
    await failures.getByText(/changed since version 1/).waitFor();
    await page.getByText(`Transferred ${(rows - 1).toLocaleString('en')} records; 1 not changed`).waitFor();
    await shot(page, 'bulk-owner-refused-row');
    // One request for all of them, not one a row.
    expect(requests.filter((r) => r.startsWith('PATCH'))).toEqual(['PATCH /api/v1/records/opportunity/bulk']);
    await (await openedDialog(page)).locator('.ant-modal-footer').getByRole('button', { name: 'Close' }).click();
    await page.getByTestId('bulk-actions').waitFor({ state: 'detached' });

    const filter = (owned: string) =>
      encodeURIComponent(JSON.stringify({ and: [{ name: { startsWith: PREFIX } }, { owner_id: owned }] }));
    const moved = await api<{ count: number }>(
      page,
      'GET',
      `${R}/opportunity?filter=${filter(owner.body.id)}&count=exact&limit=1`,
    );
    expect(moved.body.count).toBe(deals.length - 1);
    const kept = await api<{ data: { id: string }[] }>(
      page,
      'GET',
      `${R}/opportunity?filter=${filter(await adminId())}`,
    );
    expect(kept.body.data.map((r) => r.id)).toEqual([deals[7]]);
  });

  it('names the accounts on a chart grouped by account', async () => {
    const dashboard = {
      apiName: 'bulk_by_account',
      label: 'Deals by account',
      widgets: [
        {
          type: 'bar',
          label: 'Pipeline by account',
          object: 'opportunity',
          metric: 'sum:amount',
          groupBy: 'account',
          filter: { name: { startsWith: PREFIX } },
        },
      ],
    };
    expect((await api(page, 'POST', '/api/v1/meta/dashboards', dashboard)).status).toBe(201);
    expect((await api(page, 'POST', '/api/v1/meta/publish')).status).toBe(201);
    await page.goto(url + '/dashboards/bulk_by_account');
    const widget = page.getByTestId('widget-bar');
    await widget.locator('canvas').waitFor();
    const summary = (await widget.getByTestId('chart-summary').textContent()) ?? '';
    expect(summary).toContain('Kestrel Aviation: ');
    expect(summary).toContain('Osprey Shipping: ');
    expect(summary).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    await shot(page, 'dashboard-by-account');
  });

  it('ran under the UI Content-Security-Policy without a violation or page error', () => {
    expect(w.problems).toEqual([]);
  });
});

async function adminId(): Promise<string> {
  return (await api<{ id: string }>(page, 'GET', '/api/v1/auth/me')).body.id;
}
