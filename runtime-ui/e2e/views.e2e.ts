import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  addCondition,
  api,
  axeViolations,
  launch,
  login,
  openedDialog,
  openPage,
  pickMenuItem,
  pickOption,
  selectOption,
  waitForRows,
  type Watched,
} from './support/browser';

/**
 * Private list views live on the server: a sales rep saves one, finds it again in a fresh browser
 * (no localStorage) and renames, updates and deletes it there; another rep never sees it; views an
 * older version kept in localStorage move to the server on the first load.
 */

const url = inject('engineUrl');
const admin = inject('admin');
const PASSWORD = 'a long enough password 1';
const repA = { email: 'views-a@example.test', password: PASSWORD };
const repB = { email: 'views-b@example.test', password: PASSWORD };
let browser: Browser;
let first: Watched;
let second: Watched;
let repAId = '';
let savedKey = '';

type View = { id: string; label: string; filter?: unknown; sort?: string; columns: string[] };
const myViews = async (p: Page) => (await api<{ data: View[] }>(p, 'GET', '/api/v1/views/opportunity')).body.data;

beforeAll(async () => {
  browser = await launch();
  const setup = await openPage(browser);
  await login(setup.page, url, admin);
  for (const [who, name] of [
    [repA, 'Avery Views'],
    [repB, 'Blake Views'],
  ] as const) {
    const res = await api<{ id: string }>(setup.page, 'POST', '/api/v1/users', {
      ...who,
      name,
      role: 'sales_rep',
      permissionSets: ['sales_user'],
    });
    expect(res.status).toBe(201);
    if (who === repA) repAId = res.body.id;
  }
  await setup.page.context().close();
});
afterAll(async () => {
  await browser?.close();
});

describe('private views on the server', () => {
  it('moves views an older version kept in this browser to the server, then forgets them here', async () => {
    first = await openPage(browser);
    const page = first.page;
    page.setDefaultTimeout(15_000);
    await login(page, url, repA);
    for (const [name, amount] of [
      ['Alpha big', 50_000],
      ['Beta small', 100],
    ] as const) {
      expect(
        (await api(page, 'POST', '/api/v1/records/opportunity', { name, amount, close_date: '2026-11-30' })).status,
      ).toBe(201);
    }
    const legacyKey = `tessera.views.${repAId}.opportunity`;
    await page.evaluate(
      (key) =>
        localStorage.setItem(
          key,
          JSON.stringify([
            {
              id: 'my_old1',
              label: 'Old local view',
              filter: {
                kind: 'group',
                id: 'g1',
                op: 'and',
                children: [{ kind: 'condition', id: 'c1', field: 'amount', operator: 'lt', value: 1000 }],
              },
              columns: ['name', 'amount'],
            },
          ]),
        ),
      legacyKey,
    );
    await page.goto(url + '/o/opportunity');
    await expect
      .poll(async () => (await myViews(page)).map((v) => [v.label, v.filter, v.columns]), { timeout: 15_000 })
      .toEqual([['Old local view', { amount: { lt: 1000 } }, ['name', 'amount']]]);
    await expect.poll(() => page.evaluate((key) => localStorage.getItem(key), legacyKey)).toBeNull();
    await page.getByTestId('view-picker').click();
    await pickOption(page, 'Old local view');
    await waitForRows(page, ['Beta small']);
  });

  it('saves the list as a private view on the server', async () => {
    const page = first.page;
    await page.goto(url + '/o/opportunity');
    await waitForRows(page, ['Alpha big', 'Beta small']);
    await addCondition(page, 'Amount', 'at least', '1000');
    await waitForRows(page, ['Alpha big']);

    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('Big ones');
    await (await openedDialog(page)).getByRole('button', { name: 'Save' }).click();
    await page.getByText('View saved').waitFor();
    savedKey = new URL(page.url()).searchParams.get('view')!;
    const saved = (await myViews(page)).find((v) => v.label === 'Big ones')!;
    expect(savedKey).toBe(`my_${saved.id}`);
    // What the list showed: the role's default view's filter and the condition added to it.
    expect(saved.filter).toEqual({
      and: [{ stage: { nin: ['closed_won', 'closed_lost'] } }, { amount: { gte: 1000 } }],
    });
    expect(saved.columns).toContain('amount');
    // A second view of the same name is refused, and the dialog says so.
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('big ones');
    await (await openedDialog(page)).getByRole('button', { name: 'Save' }).click();
    await page.getByRole('dialog').getByText('choose another name, or update that view').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect((await myViews(page)).map((v) => v.label)).toEqual(['Big ones', 'Old local view']);
  });

  it('finds it again in a fresh browser with no local storage, and renames, updates and deletes it there', async () => {
    second = await openPage(browser);
    const page = second.page;
    page.setDefaultTimeout(15_000);
    await login(page, url, repA);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await page.goto(url + '/o/opportunity');
    await waitForRows(page, ['Alpha big', 'Beta small']);
    await page.getByTestId('view-picker').click();
    await pickOption(page, 'Big ones');
    await waitForRows(page, ['Alpha big']);
    expect(new URL(page.url()).searchParams.get('view')).toBe(savedKey);
    // Opened by its address, the list is drawn with the view from the start.
    await page.goto(`${url}/o/opportunity?view=${savedKey}`);
    await page.getByTestId('view-picker').getByText('Big ones').waitFor();
    await waitForRows(page, ['Alpha big']);
    const violations = await axeViolations(page);
    expect(violations, violations.join('\n')).toEqual([]);

    await page.getByTestId('my-view-menu').click();
    await pickMenuItem(page, 'Rename…');
    await page.getByRole('textbox', { name: 'Name' }).fill('Large deals');
    await (await openedDialog(page)).getByRole('button', { name: 'Save' }).click();
    await page.getByText('View renamed').waitFor();
    await page.getByTestId('view-picker').getByText('Large deals').waitFor();

    await page.getByRole('columnheader', { name: 'Opportunity Name' }).click();
    await page.getByTestId('my-view-menu').click();
    await pickMenuItem(page, 'Save changes to “Large deals”');
    await page.getByText('View updated').waitFor();
    const updated = (await myViews(page)).find((v) => v.label === 'Large deals')!;
    expect(updated.sort).toMatch(/^-?name$/);
    expect(`my_${updated.id}`).toBe(savedKey);
  });

  it('is not seen by another user, nor reachable by its id', async () => {
    const other = await openPage(browser);
    const page = other.page;
    page.setDefaultTimeout(15_000);
    await login(page, url, repB);
    await page.goto(`${url}/o/opportunity?view=${savedKey}`);
    await page.getByTestId('list-loaded').waitFor({ state: 'attached' });
    await page.getByTestId('view-picker').getByText('Open Opportunities').waitFor();
    await page.getByTestId('view-picker').click();
    await selectOption(page, 'Open Opportunities').waitFor();
    expect(await page.locator('.ant-select-dropdown:visible .ant-select-item-option').allInnerTexts()).not.toContain(
      'Large deals',
    );
    expect(await myViews(page)).toEqual([]);
    expect((await api(page, 'GET', `/api/v1/views/opportunity/${savedKey.slice(3)}`)).status).toBe(404);
    expect((await api(page, 'DELETE', `/api/v1/views/opportunity/${savedKey.slice(3)}`)).status).toBe(404);
    await other.page.context().close();
  });

  it('deletes it', async () => {
    const page = second.page;
    await page.getByTestId('my-view-menu').click();
    await pickMenuItem(page, 'Delete my view');
    await (await openedDialog(page)).getByRole('button', { name: 'Delete' }).click();
    await page.getByText('View deleted').waitFor();
    expect(new URL(page.url()).searchParams.get('view')).toBeNull();
    expect((await myViews(page)).map((v) => v.label)).toEqual(['Old local view']);
    for (const w of [first, second]) expect(w.problems).toEqual([]);
  });
});
