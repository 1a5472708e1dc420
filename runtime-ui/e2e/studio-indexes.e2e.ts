import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { api, axeViolationsAtRest, launch, openPage, pickMenuItem, shot, type Watched } from './support/browser';

/**
 * The object page's Indexes tab: an object of its own, published with a few records, is listed
 * through the API with sorts and a filter, so the engine has counted list shapes. The tab shows
 * the table's primary key, and each shape with the advisor's verdict: the table is far below the
 * rows an automatic index needs, so a sort run three times is "Small table", one run once is
 * "Waiting", one on long text "Not indexable". An object only in the draft has no table yet and
 * says so. No serious or critical axe violation in English or Chinese, and the browser asked
 * nothing of any host but the engine.
 */

const url = inject('engineUrl');
const admin = inject('admin');
const OBJ = 'ix_probe';
const DRAFT_ONLY = 'ix_draft_only';
const R = `/api/v1/records/${OBJ}`;
let browser: Browser;
let w: Watched;
let page: Page;
const requested: string[] = [];

const probe = {
  apiName: OBJ,
  label: { en: 'Index probe', 'zh-CN': '索引探测' },
  pluralLabel: { en: 'Index probes', 'zh-CN': '索引探测' },
  nameField: 'name',
  fields: [
    { apiName: 'name', type: 'text', label: 'Name', required: true },
    { apiName: 'industry', type: 'picklist', label: 'Industry', values: [{ value: 'tech' }, { value: 'retail' }] },
    { apiName: 'founded', type: 'date', label: 'Founded' },
    { apiName: 'motto', type: 'text', label: 'Motto', maxLength: 2000 },
  ],
};

/** Deletes an object from the draft with the ETag it is read with now; true when it was there. */
async function deleteObject(apiName: string): Promise<boolean> {
  const etag = await page.evaluate(async (path) => {
    const res = await fetch(path, { headers: { 'X-Requested-With': 'XMLHttpRequest' } });
    return res.ok ? res.headers.get('ETag') : null;
  }, `/api/v1/meta/objects/${apiName}`);
  if (!etag) return false;
  const status = await page.evaluate(
    async ({ path, etag }) =>
      (await fetch(path, { method: 'DELETE', headers: { 'X-Requested-With': 'XMLHttpRequest', 'If-Match': etag } }))
        .status,
    { path: `/api/v1/meta/objects/${apiName}`, etag },
  );
  expect(status).toBe(204);
  return true;
}

async function list(query: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) expect((await api(page, 'GET', `${R}?${query}&limit=5`)).status).toBe(200);
}

beforeAll(async () => {
  browser = await launch();
  w = await openPage(browser);
  page = w.page;
  page.setDefaultTimeout(20_000);
  page.on('request', (r) => requested.push(r.url()));
  await page.goto(url + '/studio/objects');
  await page.getByLabel('E-mail').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/studio/objects');
  // Start from the current release, whatever the files before this one left in the draft.
  expect((await api(page, 'POST', '/api/v1/meta/draft/discard')).status).toBe(200);
  expect((await api(page, 'POST', '/api/v1/meta/objects', probe)).status).toBe(201);
  expect((await api(page, 'POST', '/api/v1/meta/publish')).status).toBe(201);
  const records = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli'].map((name, i) => ({
    name,
    industry: i % 2 ? 'retail' : 'tech',
    founded: `20${10 + i}-03-15`,
    motto: `motto ${i}`,
  }));
  expect((await api(page, 'POST', `${R}/bulk`, { records })).status).toBe(200);
  await list('sort=-founded', 3);
  await list(`filter=${encodeURIComponent(JSON.stringify({ industry: 'tech' }))}&sort=founded`, 1);
  await list('sort=motto', 3);
});

afterAll(async () => {
  if (page) {
    await deleteObject(DRAFT_ONLY);
    // The table is archived with its records; the release is as the files before this one left it.
    if (await deleteObject(OBJ))
      expect((await api(page, 'POST', '/api/v1/meta/publish', { confirmLossy: true })).status).toBe(201);
  }
  await browser?.close();
});

const indexesTable = () => page.getByTestId('indexes-table');
const shapesTable = () => page.getByTestId('shapes-table');
/** The shape row whose keys are `keys`, as the engine's tests write them ("industry=,founded,id"). */
const shapeRow = (keys: string): Locator =>
  shapesTable()
    .locator('tr.ant-table-row')
    .filter({ has: page.locator(`[data-keys="${keys}"]`) });

describe('the Indexes tab of the object page', () => {
  it('shows the primary key and the list shapes with their states', async () => {
    await page.goto(`${url}/studio/objects/${OBJ}`);
    await page.getByTestId('fields-table').getByText('founded', { exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Indexes' }).click();
    await page.waitForURL(`**/studio/objects/${OBJ}?tab=indexes`);

    const primary = indexesTable().locator('tr.ant-table-row').filter({ hasText: 'Primary key' });
    await primary.waitFor();
    expect(await primary.getByTestId('index-keys').getAttribute('data-keys')).toBe('id');
    expect(await primary.getByTestId('index-keys').innerText()).toBe('id');
    expect(await indexesTable().getByTestId('index-invalid').count()).toBe(0);
    await page
      .getByTestId('indexes-explain')
      .getByText(/once the table holds 10,000 rows/)
      .waitFor();

    // -founded three times: one shape with founded first (directions are relative to it), then id.
    const sorted = shapeRow('founded,id');
    expect(await sorted.getByTestId('index-keys').innerText()).toBe('founded · id');
    await sorted.getByTestId('shape-state-small').waitFor();
    expect(await sorted.locator('td').nth(2).innerText()).toBe('3');
    expect(await sorted.innerText()).toContain('List requests');
    await shapeRow('industry=,founded,id').getByTestId('shape-state-waiting').waitFor();
    await shapeRow('motto,id').getByTestId('shape-state-unindexable').waitFor();

    // The state's meaning, by keyboard: the tag takes focus and its tooltip describes it.
    await sorted.getByTestId('shape-state-small').focus();
    await page
      .getByRole('tooltip')
      .getByText(/fewer than 10,000 rows/)
      .waitFor();
    await page.keyboard.press('Escape');
    await sorted.getByTestId('shape-state-small').blur();

    // Refresh reads the report again: one more request of the sort counts.
    await list('sort=founded', 1);
    await page.getByTestId('refresh-indexes').click();
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="shapes-table"] tr.ant-table-row')];
      return rows.some(
        (r) => r.querySelector('[data-keys="founded,id"]') !== null && r.querySelectorAll('td')[2]?.textContent === '4',
      );
    });

    // Tall enough for the whole tab in the picture.
    await page.setViewportSize({ width: 1280, height: 1100 });
    await shot(page, 'studio-indexes');
    await page.setViewportSize({ width: 1280, height: 860 });
    expect(await axeViolationsAtRest(page)).toEqual([]);
  });

  it('says an object only in the draft has no table yet', async () => {
    const draft = { ...probe, apiName: DRAFT_ONLY, label: 'Draft only', pluralLabel: 'Drafts only' };
    expect((await api(page, 'POST', '/api/v1/meta/objects', draft)).status).toBe(201);
    await page.goto(`${url}/studio/objects/${DRAFT_ONLY}?tab=indexes`);
    await page
      .getByTestId('indexes-unpublished')
      .getByText(/Not published yet/)
      .waitFor();
    expect(await indexesTable().count()).toBe(0);
    expect(await axeViolationsAtRest(page)).toEqual([]);
    expect(await deleteObject(DRAFT_ONLY)).toBe(true);
  });

  it('reads in Chinese', async () => {
    await page.goto(`${url}/studio/objects/${OBJ}?tab=indexes`);
    await indexesTable().locator('tr.ant-table-row').filter({ hasText: 'Primary key' }).waitFor();
    await page.getByTestId('language-switch').click();
    await pickMenuItem(page, '简体中文');
    await page.getByRole('tab', { name: '索引' }).waitFor();
    await indexesTable().locator('tr.ant-table-row').filter({ hasText: '主键' }).waitFor();
    await shapeRow('founded,id').getByText('表较小').waitFor();
    await shot(page, 'studio-indexes-zh');
    expect(await axeViolationsAtRest(page)).toEqual([]);
    await page.getByTestId('language-switch').click();
    await pickMenuItem(page, 'English');
    await page.getByRole('tab', { name: 'Indexes' }).waitFor();
    expect(w.problems).toEqual([]);
  });

  it('asked nothing of any host but the engine', () => {
    const origin = new URL(url).origin;
    const elsewhere = requested.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
    expect(elsewhere).toEqual([]);
    expect(requested.some((u) => u.startsWith(`${origin}/api/v1/meta/objects/${OBJ}/indexes`))).toBe(true);
  });
});
