import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  api,
  axeViolations,
  launch,
  openedDialog,
  openPage,
  pickMenuItem,
  shot,
  type Watched,
} from './support/browser';

/**
 * The studio's Packs page (issue 14 point 2): the fixture pack "demo" is listed, installed after
 * reading its plan and works at once in the runtime UI; an admin relabels one of its fields; the
 * pack's version 2 — which relabels the same field and adds one — is upgraded with the conflict
 * resolved as keepMine; a step refused for unpublished edits points to the changes; uninstalling
 * shows the lossy archive steps and needs them confirmed; reinstalling brings the records back.
 */

const url = inject('engineUrl');
const admin = inject('admin');
const packsDir = inject('packsDir');
const V2 = fileURLToPath(new URL('./fixtures/packs-v2/demo', import.meta.url));
const SUBJECT_EN = 'object:dm.ticket/fields/dm.ticket.subject/label/en';
let browser: Browser;
let w: Watched;
let page: Page;

interface DraftObject {
  label: unknown;
  fields: { apiName: string; label: Record<string, string> }[];
}
const ticket = async () => (await api<DraftObject>(page, 'GET', '/api/v1/meta/objects/dm_ticket')).body;
const subjects = async () => {
  const res = await api<{ data: { subject: string }[] }>(page, 'GET', '/api/v1/records/dm_ticket');
  return res.status === 200 ? res.body.data.map((r) => r.subject) : res.status;
};
const row = () => page.getByTestId('packs-table').locator('tr[data-row-key="demo"]');
const confirm = (dialog: Locator) => dialog.getByTestId('confirm-pack-step');

async function openPacks() {
  await page.goto(url + '/studio/packs');
  await row().waitFor();
}

/** Opens a step's dialog from the pack's row and waits for its dry run's plan. */
async function openStep(kind: string): Promise<Locator> {
  await page.getByTestId(`${kind}-demo`).click();
  const dialog = await openedDialog(page);
  await dialog.getByTestId('pack-progress').and(page.locator('[data-phase="planning"]')).waitFor();
  return dialog;
}

/** Applies the step and waits for its outcome; the bar is full and the release is named. */
async function apply(dialog: Locator) {
  await confirm(dialog).click();
  const outcome = dialog.getByTestId('pack-outcome');
  await outcome.waitFor();
  expect(await dialog.getByTestId('pack-progress').getAttribute('data-phase')).toBe('done');
  expect(await dialog.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
  expect(await outcome.innerText()).toMatch(/done: release \d+/);
  await confirm(dialog).click();
  await dialog.waitFor({ state: 'detached' });
}

beforeAll(async () => {
  browser = await launch();
  w = await openPage(browser);
  page = w.page;
  page.setDefaultTimeout(20_000);
  await page.goto(url + '/studio/packs');
  await page.getByLabel('E-mail').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/studio/packs');
  // Start from the current release, whatever the files before this one left in the draft.
  expect((await api(page, 'POST', '/api/v1/meta/draft/discard')).status).toBe(200);
});
afterAll(async () => {
  // Leave the shared engine without the demo pack's objects for the files after this one.
  if (page) await api(page, 'POST', '/api/v1/packs/demo/uninstall?confirmLossy=true');
  await browser?.close();
});

describe('the Packs page', () => {
  it('lists the pack of the packs folder, not installed, from the header', async () => {
    await page.getByRole('navigation', { name: 'Studio areas' }).getByRole('link', { name: 'Packs' }).click();
    await row().waitFor();
    await row().getByText('Demo help desk').waitFor();
    expect(await row().getByTestId('installed-demo').innerText()).toBe('Not installed');
    expect(await row().innerText()).toContain('1.0.0');
    expect(await row().getByTestId('upgrade-demo').count()).toBe(0);
    await shot(page, 'studio-packs');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('installs after showing the plan, the bar going to done; the object works in the runtime UI', async () => {
    const dialog = await openStep('install');
    expect(await dialog.getByTestId('pack-item-dm_ticket').getAttribute('data-action')).toBe('add');
    expect(await dialog.getByTestId('pack-item-dm_ticket').innerText()).toContain('added');
    await dialog.getByTestId('publish-plan').getByText('dm_ticket').first().waitFor();
    expect(await dialog.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('50');
    await shot(page, 'studio-packs-install-plan');
    expect(await axeViolations(page)).toEqual([]);
    await apply(dialog);
    await row().getByText('installed', { exact: true }).waitFor();
    expect(await row().getByTestId('installed-demo').innerText()).toContain('1.0.0');

    await page.goto(url + '/o/dm_ticket/new');
    await page.getByRole('textbox', { name: 'Subject' }).fill('Printer jammed');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('record-title').getByText('Printer jammed').waitFor();
    expect(await subjects()).toEqual(['Printer jammed']);
  });

  it("upgrades to version 2 with the admin's relabel kept by choice, and v2's new field in", async () => {
    // The admin relabels the pack's field and publishes; version 2 relabels the same field.
    const object = await ticket();
    object.fields.find((f) => f.apiName === 'subject')!.label = { en: 'Summary', 'zh-CN': '主题' };
    expect((await api(page, 'PUT', '/api/v1/meta/objects/dm_ticket', object)).status).toBe(200);
    expect((await api(page, 'POST', '/api/v1/meta/publish', {})).status).toBe(201);
    fs.rmSync(path.join(packsDir, 'demo'), { recursive: true, force: true });
    fs.cpSync(V2, path.join(packsDir, 'demo'), { recursive: true });

    await openPacks();
    const dialog = await openStep('upgrade');
    const conflict = dialog.getByTestId(`conflict-${SUBJECT_EN}`);
    expect(await conflict.getByTestId('conflict-mine').innerText()).toBe('Summary');
    expect(await conflict.getByTestId('conflict-theirs').innerText()).toBe('Title');
    expect(await dialog.getByTestId('pack-conflicts').getByRole('radiogroup').count()).toBe(1);
    await dialog.getByTestId('open-conflicts').waitFor();
    expect(await confirm(dialog).isDisabled()).toBe(true);
    await shot(page, 'studio-packs-upgrade-conflict');
    expect(await axeViolations(page)).toEqual([]);
    await conflict.getByRole('radio', { name: 'Keep mine' }).check();
    expect(await confirm(dialog).isEnabled()).toBe(true);
    await apply(dialog);
    // The list is read again after the step: wait for it rather than read it mid-way.
    await row().getByTestId('installed-demo').getByText('2.0.0').waitFor();

    const fields = Object.fromEntries((await ticket()).fields.map((f) => [f.apiName, f.label]));
    expect(fields.subject).toEqual({ en: 'Summary', 'zh-CN': '标题' });
    expect(fields.due_date).toEqual({ en: 'Due date', 'zh-CN': '截止日期' });
    expect(await subjects()).toEqual(['Printer jammed']);
  });

  it('shows the refusal of a step while the draft has unpublished edits, pointing to the changes', async () => {
    const object = await ticket();
    object.label = { en: 'Help request', 'zh-CN': '求助' };
    expect((await api(page, 'PUT', '/api/v1/meta/objects/dm_ticket', object)).status).toBe(200);
    await openPacks();
    await page.getByTestId('uninstall-demo').click();
    const dialog = await openedDialog(page);
    await dialog.getByRole('alert').getByText('unpublished edits').waitFor();
    expect(await dialog.getByTestId('pack-progress').getAttribute('data-phase')).toBe('refused');
    expect(await confirm(dialog).innerText()).toBe('Close');
    await dialog.getByTestId('pack-to-changes').click();
    await page.waitForURL('**/studio/changes');
    expect((await api(page, 'POST', '/api/v1/meta/draft/discard')).status).toBe(200);
  });

  it('uninstalls after the lossy archive steps are confirmed; the object is gone', async () => {
    await openPacks();
    const dialog = await openStep('uninstall');
    const plan = dialog.getByTestId('publish-plan');
    await plan.getByText(/lossy/).first().waitFor();
    expect(await confirm(dialog).isDisabled()).toBe(true);
    await shot(page, 'studio-packs-uninstall-plan');
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByTestId('confirm-lossy').check();
    await apply(dialog);
    await row().getByText('uninstalled (data kept)').waitFor();
    expect(await subjects()).toBe(404);
    await page.getByTestId('reinstall-demo').waitFor();
  });

  it('reinstalls, bringing the records and the customisation back', async () => {
    const dialog = await openStep('reinstall');
    expect(await dialog.getByTestId('pack-item-dm_ticket').getAttribute('data-action')).not.toBe('remove');
    await apply(dialog);
    expect(await subjects()).toEqual(['Printer jammed']);
    const fields = Object.fromEntries((await ticket()).fields.map((f) => [f.apiName, f.label]));
    expect(fields.subject!.en).toBe('Summary');
    await page.goto(url + '/o/dm_ticket');
    await page.getByText('Printer jammed').first().waitFor();
    expect(w.problems).toEqual([]);
  });

  it('reads in Chinese, the dialog too', async () => {
    await openPacks();
    await page.getByTestId('language-switch').click();
    await pickMenuItem(page, '简体中文');
    await page.getByRole('heading', { name: '扩展包' }).waitFor();
    await row().getByText('演示服务台').waitFor();
    await row().getByText('已安装', { exact: true }).waitFor();
    await page.getByTestId('uninstall-demo').click();
    const dialog = await openedDialog(page);
    await dialog.getByText('卸载 演示服务台 2.0.0').waitFor();
    await dialog.getByText('计划：请阅读计划后确认').waitFor();
    await shot(page, 'studio-packs-uninstall-zh-CN');
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: /^取\s?消$/ }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('language-switch').click();
    await pickMenuItem(page, 'English');
    await page.getByRole('heading', { name: 'Packs' }).waitFor();
  });
});
