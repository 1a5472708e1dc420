import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  api,
  axeViolations,
  axeViolationsAtRest,
  launch,
  openedDialog,
  openPage,
  pickOption,
  shot,
  type Watched,
} from './support/browser';
import { typeRule } from './support/studio';

/**
 * The studio's rule editor (monaco): not fetched until an editor opens; completion of field
 * names; the engine's own check shown inline; a validation rule tested on real records and saved;
 * a formula field's Test showing its value and type.
 */

const url = inject('engineUrl');
const admin = inject('admin');
let browser: Browser;
let w: Watched;
let page: Page;
/** Every URL the page requested, in order. */
const requested: string[] = [];
const monacoRequested = () => requested.filter((u) => /monaco-mount|editor\.worker|json\.worker/.test(u));

beforeAll(async () => {
  browser = await launch();
  w = await openPage(browser);
  page = w.page;
  page.setDefaultTimeout(20_000);
  page.on('request', (r) => requested.push(r.url()));
});
afterAll(async () => {
  await browser?.close();
});

const typeIn = (editor: Locator, text: string) => typeRule(page, editor, text);

/** axe once every select's drop-down has closed (a closing one still holds its unnamed listbox). */
async function axeWhenClosed(): Promise<string[]> {
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.ant-select-dropdown')].every((d) => getComputedStyle(d).display === 'none'),
  );
  return axeViolations(page);
}

describe('the rule editor', () => {
  it('sets up an object with records through the API', async () => {
    await page.goto(url + '/studio/');
    await page.getByLabel('E-mail').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/studio/objects');
    const created = await api(page, 'POST', '/api/v1/meta/objects', {
      apiName: 'rx_car',
      label: 'Car',
      pluralLabel: 'Cars',
      nameField: 'name',
      fields: [
        { apiName: 'name', type: 'text', label: 'Name' },
        { apiName: 'price', type: 'number', label: 'Price' },
        { apiName: 'electric', type: 'boolean', label: 'Electric' },
        {
          apiName: 'double_price',
          type: 'formula',
          label: 'Double price',
          returnType: 'number',
          expression: { '*': [{ var: 'price' }, 2] },
        },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await api(page, 'POST', '/api/v1/meta/publish', {})).status).toBe(201);
    for (const car of [
      { name: 'Roadster', price: 90000, electric: true },
      { name: 'Hatch', price: 15000, electric: false },
    ])
      expect((await api(page, 'POST', '/api/v1/records/rx_car', car)).status).toBe(201);
  });

  it('does not fetch monaco for the objects pages', async () => {
    await page.goto(url + '/studio/objects/rx_car');
    await page.getByTestId('fields-table').getByText('double_price', { exact: true }).waitFor();
    await page.getByTestId('validation-rules').waitFor();
    await page.waitForLoadState('networkidle');
    expect(monacoRequested()).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('loads monaco when a validation rule editor opens, and completes field names', async () => {
    await page.getByTestId('new-rule').click();
    const dialog = await openedDialog(page);
    const editor = dialog.getByTestId('rule-editor-validation');
    await editor.locator('.monaco-editor').waitFor();
    expect(monacoRequested().some((u) => /monaco-mount/.test(u))).toBe(true);
    // Completion inside {"var": "…"}: the object's fields.
    await typeIn(editor, '{"var": "pr"}');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.suggest-widget');
    await suggest.getByText('price', { exact: true }).waitFor();
    await page.keyboard.press('Escape');
  });

  it('offers the json-logic operators when a rule starts with {"', async () => {
    const editor = page.getByRole('dialog').getByTestId('rule-editor-validation');
    await editor.locator('.monaco-editor').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    // Typed key by key: monaco closes the brace and the quote, and the quote asks for completion.
    await page.keyboard.type('{', { delay: 50 });
    await expect.poll(() => editor.locator('.view-lines').innerText()).toBe('{}');
    await page.keyboard.type('"', { delay: 50 });
    await expect.poll(() => editor.locator('.view-lines').innerText()).toBe('{""}');
    const suggest = page.locator('.suggest-widget');
    // Each suggestion is named by its label and kind, as screen readers hear it.
    const row = (operator: string) => suggest.locator(`.monaco-list-row[aria-label="${operator}, Operator"]`);
    await row('!').waitFor();
    // The list shows a dozen at a time: arrowed down, as a user scrolls it, until == shows.
    await expect
      .poll(
        async () => {
          if ((await row('==').count()) === 0) await page.keyboard.press('ArrowDown');
          return row('==').count();
        },
        { timeout: 10_000 },
      )
      .toBe(1);
    // Others are found by typing them.
    for (const operator of ['and', 'if']) {
      await page.keyboard.type(operator);
      await row(operator).waitFor();
      for (let i = 0; i < operator.length; i++) await page.keyboard.press('Backspace');
    }
    // Accepting one writes it between the quotes.
    await page.keyboard.type('an');
    await row('and').waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => editor.locator('.view-lines').innerText()).toMatch(/^\{"and"\}$/);
  });

  it('keeps every key of a fast typist on a slow machine', async () => {
    const editor = page.getByRole('dialog').getByTestId('rule-editor-validation');
    await editor.locator('.monaco-editor').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    // A phone-class CPU: keys arrive faster than React renders the text each one reports.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 8 });
    const typed = '[1234567890, 2345678901, 3456789012, 4567890123]';
    try {
      await page.keyboard.type(typed);
      // monaco draws a space as a no-break space.
      const shown = async () => (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
      await expect.poll(shown, { timeout: 20_000 }).toBe(typed);
    } finally {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
      await cdp.detach();
    }
  });

  it("shows the engine's error inline for a rule naming a missing field", async () => {
    const dialog = page.getByRole('dialog');
    const editor = dialog.getByTestId('rule-editor-validation');
    await typeIn(editor, '{">": [{"var": "horsepower"}, 100]}');
    await editor
      .getByTestId('rule-errors')
      .getByText('condition reads "horsepower", which is not a field of this object')
      .waitFor();
    // And as a marker on the text.
    await editor.locator('.squiggly-error').first().waitFor();
    await shot(page, 'rule-editor-error');
  });

  it('tests a validation rule on real records, then saves it', async () => {
    const dialog = page.getByRole('dialog');
    const editor = dialog.getByTestId('rule-editor-validation');
    await typeIn(editor, '{">": [{"var": "price"}, 50000]}');
    await editor.getByTestId('rule-ok').waitFor();
    await expect.poll(() => editor.locator('.squiggly-error').count()).toBe(0);
    await dialog.getByTestId('rule-api-name').fill('too_pricey');
    await dialog.getByTestId('rule-message-en').fill('Too expensive');
    await dialog.getByTestId('rule-message-zh').fill('太贵了');

    await editor.getByTestId('rule-test-open').click();
    const record = editor.getByRole('combobox', { name: 'Choose a record to test on' });
    const testOn = async (name: string, answer: string) => {
      await record.click();
      await record.fill(name);
      await pickOption(page, name);
      await editor.getByTestId('rule-test-run').click();
      await editor.getByTestId('rule-test-result').getByText(answer).waitFor();
    };
    await testOn('Roadster', 'Refuses this record: saving it would show the message');
    await testOn('Hatch', 'Passes: this record can be saved');
    expect(await axeWhenClosed()).toEqual([]);
    // Hovered, the button keeps its text readable (antd's lighter hover blue fell under 4.5:1).
    await editor.getByTestId('rule-test-run').hover();
    expect(await axeViolationsAtRest(page)).toEqual([]);

    await dialog.getByTestId('save-rule').click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('validation-rules').getByText('too_pricey', { exact: true }).waitFor();
    const saved = await api<{ validationRules: { apiName: string; condition: unknown; message: unknown }[] }>(
      page,
      'GET',
      '/api/v1/meta/objects/rx_car',
    );
    expect(saved.body.validationRules).toEqual([
      expect.objectContaining({
        apiName: 'too_pricey',
        condition: { '>': [{ var: 'price' }, 50000] },
        message: { en: 'Too expensive', 'zh-CN': '太贵了' },
      }),
    ]);
  });

  it("tests a formula field's expression: its value and type", async () => {
    await page.getByRole('button', { name: 'Edit double_price' }).click();
    const drawer = await openedDialog(page);
    const editor = drawer.getByTestId('rule-editor-formula');
    await editor.locator('.monaco-editor').waitFor();
    await editor.getByTestId('rule-type').getByText('number').waitFor();
    await editor.getByTestId('rule-test-open').click();
    const record = editor.getByRole('combobox', { name: 'Choose a record to test on' });
    await record.click();
    await record.fill('Roadster');
    await pickOption(page, 'Roadster');
    await editor.getByTestId('rule-test-run').click();
    await editor.getByTestId('rule-test-value').getByText('180000').waitFor();
    expect(await editor.getByTestId('rule-test-type').textContent()).toBe('number');
    expect(await axeWhenClosed()).toEqual([]);
    await shot(page, 'rule-editor-formula');
    expect(w.problems).toEqual([]);
  });
});
