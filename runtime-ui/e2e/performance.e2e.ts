import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { api, ARTIFACTS, launch, login, openPage } from './support/browser';

/**
 * Figures for the issues' closing notes, measured in the browser: how long until a list page is
 * usable on a cold load, scrolling to the end of 10,000 records through keyset pages, and how
 * long until the studio's object list is usable on a cold load, with the JavaScript it took.
 */

const url = inject('engineUrl');
const admin = inject('admin');
let browser: Browser;
const metrics: Record<string, number> = {};

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  fs.writeFileSync(path.join(ARTIFACTS, 'metrics.json'), JSON.stringify(metrics, null, 2));
  console.log('runtime UI metrics', metrics);
  await browser?.close();
});

describe('performance', () => {
  it('scrolls through 10,000 records, page after page, to the last one', async () => {
    const { page } = await openPage(browser, { width: 1280, height: 900 });
    page.setDefaultTimeout(30_000);
    await login(page, url, admin);
    // An object of its own, published now: the other suite's records stay apart, and the UI shows
    // an object that did not exist when the page was built.
    const object = {
      apiName: 'shipment',
      label: { en: 'Shipment', 'zh-CN': '货运' },
      pluralLabel: { en: 'Shipments', 'zh-CN': '货运' },
      nameField: 'name',
      fields: [
        { id: 'shipment.name', apiName: 'name', type: 'text', label: 'Name', required: true },
        { id: 'shipment.weight', apiName: 'weight', type: 'number', label: 'Weight' },
      ],
    };
    expect((await api(page, 'POST', '/api/v1/meta/objects', object)).status).toBe(201);
    expect((await api(page, 'POST', '/api/v1/meta/publish')).status).toBe(201);
    const records = Array.from({ length: 10_000 }, (_, i) => ({
      name: `Bulk ${String(i).padStart(5, '0')}`,
      weight: i,
    }));
    const bulk = await api(page, 'POST', '/api/v1/records/shipment/bulk', { records });
    expect(bulk.status).toBe(200);

    await page.goto(`${url}/o/shipment?sort=-weight`);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByText('Shipments').waitFor();
    await page.getByTestId('list-count').getByText('10,000 records').waitFor();
    const started = Date.now();
    const body = page.locator('[data-testid="record-table"] .ant-table-tbody-virtual-holder').first();
    for (;;) {
      const loaded = Number(await page.getByTestId('list-loaded').getAttribute('data-loaded'));
      if ((await page.getByTestId('list-loaded').getAttribute('data-more')) === 'no') break;
      await body.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      await page.waitForFunction(
        (before) => Number(document.querySelector('[data-testid="list-loaded"]')!.getAttribute('data-loaded')) > before,
        loaded,
      );
    }
    await body.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await page.locator('[data-testid="record-table"] .ant-table-row', { hasText: 'Bulk 00000' }).waitFor();
    metrics.scrollTo10000thRecordMs = Date.now() - started;
    expect(Number(await page.getByTestId('list-loaded').getAttribute('data-loaded'))).toBe(10_000);
    // Virtual rows: the DOM holds a screenful, not 10,000 rows.
    expect(await page.locator('[data-testid="record-table"] .ant-table-row').count()).toBeLessThan(100);
    await page.context().close();
  });

  it('shows a usable list page of the 10,000 shipments on a cold load, and records how long it took', async () => {
    const { page, problems } = await openPage(browser, { width: 1280, height: 900 });
    await login(page, url, admin);
    // A fresh browser profile holding only the session cookie: nothing cached, so the time
    // covers the HTML, every script, the session check, the metadata and the first rows.
    const cold = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await cold.addCookies(await page.context().cookies());
    const tab = await cold.newPage();
    await tab.goto(`${url}/o/shipment`);
    await tab.locator('[data-testid="record-table"] .ant-table-row').first().waitFor();
    // Measured, not asserted (shared machines): written to artifacts/metrics.json.
    metrics.usableListMs = Math.round(await tab.evaluate(() => performance.now()));
    expect(await tab.locator('[data-testid="record-table"] .ant-table-row').count()).toBeGreaterThan(10);
    expect(problems).toEqual([]);
    await cold.close();
    await page.context().close();
  });

  it('shows a usable studio object list on a cold load, without the rule editor, and records how long it took', async () => {
    const { page, problems } = await openPage(browser, { width: 1280, height: 900 });
    await login(page, url, admin);
    const cold = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await cold.addCookies(await page.context().cookies());
    const tab = await cold.newPage();
    await tab.goto(`${url}/studio/`);
    // Usable: the objects table drawn with its record counts.
    await tab
      .getByTestId('objects-table')
      .getByRole('row', { name: /Shipment/ })
      .getByText('10,000')
      .waitFor();
    metrics.usableStudioObjectsMs = Math.round(await tab.evaluate(() => performance.now()));
    const scripts = await tab.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((r) => r.name.endsWith('.js'))
        .map((r) => ({ name: r.name, bytes: (r as PerformanceResourceTiming).encodedBodySize })),
    );
    // What crossed the wire (gzip) before the list was usable.
    metrics.studioScriptsBeforeUsableGzipBytes = scripts.reduce((n, s) => n + s.bytes, 0);
    expect(scripts.filter((s) => /monaco|editor\.worker|json\.worker/.test(s.name))).toEqual([]);
    expect(problems).toEqual([]);
    await cold.close();
    await page.context().close();
  });
});
