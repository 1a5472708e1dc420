import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  api,
  axeViolationsAtRest,
  launch,
  openedDialog,
  openPage,
  pickMenuItem,
  pickOption,
  whenStill,
  type Watched,
} from './support/browser';

/**
 * The studio's screens the other files do not check with axe-core (issue 13 point 10): the
 * refusal page, the field drawer with the type picker and the picklist values open, the used-by
 * delete dialog, the publish dialog with its plan, the rollback dialog, and the objects page and a
 * field drawer in Chinese. No serious or critical violation on any. And everything the browser
 * asked for while walking them went to the engine itself: no CDN, font or analytics host (the
 * machines the studio runs on may have no internet, and the CSP would refuse them anyway).
 */

const url = inject('engineUrl');
const admin = inject('admin');
const rep = { email: 'a11y-rep@example.test', password: 'a long enough password 7' };
let browser: Browser;
let w: Watched;
let page: Page;
/** Every URL a page of this file requested. */
const requested: string[] = [];

async function watched(): Promise<Watched> {
  const opened = await openPage(browser);
  opened.page.setDefaultTimeout(20_000);
  opened.page.on('request', (r) => requested.push(r.url()));
  return opened;
}

async function signIn(p: Page, who: { email: string; password: string }, path: string) {
  await p.goto(url + path);
  await p.getByLabel('E-mail').fill(who.email);
  await p.getByLabel('Password').fill(who.password);
  await p.getByRole('button', { name: 'Sign in' }).click();
}

const drawer = () => page.getByRole('dialog');

beforeAll(async () => {
  browser = await launch();
  w = await watched();
  page = w.page;
  await signIn(page, admin, '/studio/objects');
  await page.waitForURL('**/studio/objects');
  await page.getByTestId('objects-table').getByRole('link', { name: 'Accounts' }).waitFor();
});
afterAll(async () => {
  await browser?.close();
});

describe('the studio with axe-core', () => {
  it('the refusal page a user without manageMetadata gets', async () => {
    const created = await api(page, 'POST', '/api/v1/users', {
      ...rep,
      name: 'Alex Rep',
      role: 'sales_rep',
      permissionSets: ['sales_user'],
    });
    expect(created.status).toBe(201);
    const other = await watched();
    await signIn(other.page, rep, '/studio/objects');
    await other.page
      .getByTestId('studio-no-access')
      .getByText('The studio needs the Manage metadata permission')
      .waitFor();
    expect(await axeViolationsAtRest(other.page)).toEqual([]);
    expect(other.problems).toEqual([]);
    await other.page.context().close();
  });

  it('the field drawer with the type picker open, then with the picklist values', async () => {
    await page.goto(url + '/studio/objects/account');
    await page.getByTestId('fields-table').getByText('name', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'New field' }).click();
    await drawer().getByTestId('field-label-en').waitFor();
    await whenStill(page);
    const picker = drawer().getByRole('combobox', { name: 'Type' });
    await picker.click();
    await page.locator('.ant-select-dropdown:visible').waitFor();
    await whenStill(page);
    expect(await axeViolationsAtRest(page)).toEqual([]);

    await picker.fill('Picklist');
    await pickOption(page, 'Picklist');
    await drawer().getByTestId('field-label-en').fill('Service level');
    for (const [n, label] of [
      [1, 'Gold'],
      [2, 'Silver'],
    ] as const) {
      await drawer().getByRole('button', { name: 'Add value' }).click();
      await drawer().getByLabel(`English label of value ${n}`).fill(label);
    }
    await drawer().getByTestId('choice-row').nth(1).waitFor();
    expect(await axeViolationsAtRest(page)).toEqual([]);
    await drawer().getByRole('button', { name: 'Cancel' }).click();
    await drawer().waitFor({ state: 'detached' });
  });

  it('the delete dialog with what uses the field', async () => {
    await page.goto(url + '/studio/objects/opportunity');
    await page.getByRole('button', { name: 'Delete amount', exact: true }).click();
    const dialog = await openedDialog(page);
    await dialog.getByTestId('used-by').getByText('opportunity.opportunity_layout').waitFor();
    expect(await axeViolationsAtRest(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  let before = 0;
  it('the publish dialog with its plan, and the rollback dialog', async () => {
    before = (await api<{ data: { n: number }[] }>(page, 'GET', '/api/v1/meta/releases')).body.data[0]!.n;
    const account = (
      await api<{ fields: unknown[] } & Record<string, unknown>>(page, 'GET', '/api/v1/meta/objects/account')
    ).body;
    const saved = await api(page, 'PUT', '/api/v1/meta/objects/account', {
      ...account,
      fields: [...account.fields, { apiName: 'a11y_note', type: 'text', label: 'Accessibility note' }],
    });
    expect(saved.status).toBe(200);
    await page.getByTestId('publish').click();
    let dialog = await openedDialog(page);
    await dialog
      .getByTestId('publish-plan')
      .getByText(/add column .*a11y_note/)
      .waitFor();
    expect(await axeViolationsAtRest(page)).toEqual([]);
    await dialog.getByTestId('confirm-publish').click();
    await page.getByText(`Published release ${before + 1}`).waitFor();

    await page.goto(url + '/studio/releases');
    await page.getByTestId(`rollback-${before}`).click();
    dialog = await openedDialog(page);
    await dialog
      .getByTestId('publish-plan')
      .getByText(/archive column .*a11y_note/)
      .waitFor();
    expect(await axeViolationsAtRest(page)).toEqual([]);
    // Rolled back, so the files after this one find the account as they expect it.
    await dialog.getByTestId('confirm-rollback').click();
    await page.getByText(`Rolled back to release ${before}: now release ${before + 2}`).waitFor();
  });

  it('the objects page and a field drawer in Chinese', async () => {
    await page.goto(url + '/studio/objects');
    await page.getByTestId('objects-table').getByRole('link', { name: 'Accounts' }).waitFor();
    await page.getByTestId('language-switch').click();
    await pickMenuItem(page, '简体中文');
    await page.getByRole('button', { name: '新建对象' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await axeViolationsAtRest(page)).toEqual([]);

    await page
      .getByTestId('objects-table')
      .getByRole('row', { name: /\baccount\b/ })
      .getByRole('link')
      .click();
    await page.waitForURL('**/studio/objects/account');
    await page.getByRole('button', { name: '新建字段' }).click();
    await drawer().getByTestId('field-label-en').waitFor();
    await whenStill(page);
    expect(await axeViolationsAtRest(page)).toEqual([]);
    await drawer()
      .getByRole('button', { name: /^取 ?消$/ })
      .click();
    await drawer().waitFor({ state: 'detached' });

    await page.getByTestId('language-switch').click();
    await pickMenuItem(page, 'English');
    await page.getByRole('button', { name: 'New field' }).waitFor();
    expect(w.problems).toEqual([]);
  });

  it('asked nothing of any host but the engine', () => {
    const origin = new URL(url).origin;
    const elsewhere = requested.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
    expect(elsewhere).toEqual([]);
    // The walk did load the studio and talk to the API: the list is not empty by accident.
    expect(requested.some((u) => u.startsWith(`${origin}/studio/assets/`))).toBe(true);
    expect(requested.some((u) => u.startsWith(`${origin}/api/v1/meta/`))).toBe(true);
  });
});
