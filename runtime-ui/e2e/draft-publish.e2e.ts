import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  api,
  axeViolationsAtRest,
  launch,
  openedDialog,
  openPage,
  pickOption,
  shot,
  whenStill,
  type Watched,
} from './support/browser';

/**
 * Draft → publish in the studio (issue 13 point 8): two admins edit the same object and the
 * second save is refused instead of overwriting the first; the changes panel lists the draft's
 * edits and discards them; a publish applies the plan its admin read (the other's edit meanwhile
 * has it drawn again) and shows up in the release history, and rolling back to the release
 * before it, after reading the plan, takes the changes away again.
 */

const url = inject('engineUrl');
const admin = inject('admin');
const second = { email: 'second-admin@example.test', password: 'another long password 3' };
let browser: Browser;
let a: Watched;
let b: Watched;
let page: Page;

interface DraftObject {
  fields: { apiName: string }[];
}
const accountFields = async () =>
  (await api<DraftObject>(page, 'GET', '/api/v1/meta/objects/account')).body.fields.map((f) => f.apiName);

async function signIn(p: Page, who: { email: string; password: string }) {
  await p.goto(url + '/studio/objects/account');
  await p.getByLabel('E-mail').fill(who.email);
  await p.getByLabel('Password').fill(who.password);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.waitForURL('**/studio/objects/account');
  await p.getByTestId('fields-table').getByText('name', { exact: true }).waitFor();
}

/** Opens "New field" (the type picker starts at Text) and fills the English label. */
async function newTextField(p: Page, label: string) {
  await p.getByRole('button', { name: 'New field' }).click();
  await p.getByRole('dialog').getByTestId('field-label-en').waitFor();
  await whenStill(p);
  await p.getByRole('dialog').getByTestId('field-label-en').fill(label);
}

async function saveField(p: Page, apiName: string) {
  await p.getByRole('dialog').getByTestId('save-field').click();
  await p.getByTestId('fields-table').getByText(apiName, { exact: true }).waitFor();
  await p.getByRole('dialog').waitFor({ state: 'detached' });
}

beforeAll(async () => {
  browser = await launch();
  a = await openPage(browser);
  page = a.page;
  page.setDefaultTimeout(20_000);
  await signIn(page, admin);
  // Start from the current release, whatever the files before this one left in the draft.
  expect((await api(page, 'POST', '/api/v1/meta/draft/discard')).status).toBe(200);
  const created = await api(page, 'POST', '/api/v1/users', { ...second, name: 'Sam Second', isAdmin: true });
  expect(created.status).toBe(201);
  b = await openPage(browser);
  b.page.setDefaultTimeout(20_000);
  await signIn(b.page, second);
});
afterAll(async () => {
  await browser?.close();
});

describe('draft → publish', () => {
  it("refuses the second admin's save of an object the first changed meanwhile, and loses nothing", async () => {
    await newTextField(page, 'Loyalty tier');
    await newTextField(b.page, 'Region code');
    await saveField(page, 'loyalty_tier');

    await b.page.getByRole('dialog').getByTestId('save-field').click();
    const stale = b.page.getByTestId('stale-alert');
    await stale.getByText('Changed by someone else since you opened it').waitFor();
    await shot(b.page, 'studio-stale-save');
    expect(await accountFields()).toContain('loyalty_tier');
    expect(await accountFields()).not.toContain('region_code');

    // Reload: the fresh object comes in under the open drawer, which keeps what was typed.
    await stale.getByRole('button', { name: 'Reload' }).click();
    await stale.waitFor({ state: 'detached' });
    expect(await b.page.getByRole('dialog').getByTestId('field-label-en').inputValue()).toBe('Region code');
    await saveField(b.page, 'region_code');
    await b.page.getByTestId('fields-table').getByText('loyalty_tier', { exact: true }).waitFor();
    expect(await accountFields()).toEqual(expect.arrayContaining(['loyalty_tier', 'region_code']));
    expect(b.problems).toEqual([]);
  });

  it('lists the unpublished changes from the header, with their number', async () => {
    // The panel reads the changes afresh, the second admin's too; the header's count follows.
    await page.getByTestId('changes-link').click();
    await page.waitForURL('**/studio/changes');
    await page.getByRole('button', { name: '2 unpublished changes' }).waitFor();
    const changes = page.getByTestId('draft-changes');
    await changes.getByText('account.loyalty_tier').waitFor();
    await changes.getByText('account.region_code').waitFor();
    await shot(page, 'studio-changes');
    expect(await axeViolationsAtRest(page)).toEqual([]);
  });

  it('discards the draft changes after a confirmation', async () => {
    await page.getByTestId('discard-draft').click();
    const dialog = await openedDialog(page);
    await dialog.getByText('Discard 2 unpublished changes?').waitFor();
    await dialog.getByTestId('confirm-discard').click();
    await page.getByText('No unpublished changes: the draft is the current release.').waitFor();
    expect(await accountFields()).not.toContain('loyalty_tier');
    expect(await accountFields()).not.toContain('region_code');
  });

  it('undoes and redoes an edit from the header and by keyboard; the engine keeps the history', async () => {
    await page.goto(url + '/studio/objects/account');
    await page.getByTestId('fields-table').getByText('name', { exact: true }).waitFor();
    await newTextField(page, 'Fleet size');
    await saveField(page, 'fleet_size');
    const undo = page.getByRole('button', { name: 'Undo: object account changed' });
    await undo.click();
    await page.getByText('Undone: object account changed').waitFor();
    await page.getByTestId('fields-table').getByText('fleet_size', { exact: true }).waitFor({ state: 'detached' });
    expect(await accountFields()).not.toContain('fleet_size');

    // A reload keeps the history: it is the draft's, not the page's.
    await page.reload();
    await page.getByRole('button', { name: 'Redo: object account changed' }).click();
    await page.getByTestId('fields-table').getByText('fleet_size', { exact: true }).waitFor();
    expect(await accountFields()).toContain('fleet_size');

    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Control+z');
    await page.getByTestId('fields-table').getByText('fleet_size', { exact: true }).waitFor({ state: 'detached' });
    expect(await accountFields()).not.toContain('fleet_size');
    await page.getByRole('button', { name: 'Nothing to undo since the last publish' }).waitFor();
    expect(await axeViolationsAtRest(page)).toEqual([]);
  });

  it('downloads the configuration as a zip and uploads one into the draft, with the plan', async () => {
    await page.goto(url + '/studio/changes');
    const card = page.getByTestId('config-files');
    await card.getByRole('combobox', { name: 'Which configuration to download' }).click();
    await pickOption(page, 'The current release');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      card.getByRole('button', { name: 'Download zip' }).click(),
    ]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-config-')), 'config.zip');
    await download.saveAs(file);
    // A zip (PK signature) of the files tessera metadata export writes.
    expect(fs.readFileSync(file).subarray(0, 2).toString()).toBe('PK');

    // An edit the upload replaces: the draft becomes the files, the current release here.
    const account = (await api<DraftObject & Record<string, unknown>>(page, 'GET', '/api/v1/meta/objects/account'))
      .body;
    const edited = await api(page, 'PUT', '/api/v1/meta/objects/account', {
      ...account,
      fields: [...account.fields, { apiName: 'upload_gone', type: 'text', label: 'Gone after upload' }],
    });
    expect(edited.status).toBe(200);
    await card.locator('input[type=file]').setInputFiles(file);
    await page
      .getByTestId('imported-plan')
      .getByText('The files are the same as the current release: nothing to publish.')
      .waitFor();
    expect(await accountFields()).not.toContain('upload_gone');
    // Off the Download button: antd's hover colour is a passing state, not the page's contrast.
    await page.mouse.move(0, 0);
    expect(await axeViolationsAtRest(page)).toEqual([]);
  });

  let published = 0;
  it("publishes the plan read: the second admin's edit meanwhile re-draws it, and the history lists both", async () => {
    await page.goto(url + '/studio/objects/account');
    await newTextField(page, 'Loyalty tier');
    await saveField(page, 'loyalty_tier');
    await page.getByTestId('publish').click();
    const dialog = await openedDialog(page);
    const plan = dialog.getByTestId('publish-plan');
    await plan.getByText('account.loyalty_tier').first().waitFor();
    const releasesBefore = (await api<{ data: unknown[] }>(page, 'GET', '/api/v1/meta/releases')).body.data.length;

    // The second admin adds a field while the first reads the plan, which does not name it.
    await b.page.goto(url + '/studio/objects/account');
    await b.page.getByTestId('fields-table').getByText('loyalty_tier', { exact: true }).waitFor();
    await newTextField(b.page, 'Region code');
    await saveField(b.page, 'region_code');
    expect(await plan.getByText('account.region_code').count()).toBe(0);

    // Publishing the plan read is refused: nothing published, the plan drawn again with their field.
    await dialog.getByTestId('confirm-publish').click();
    const stale = dialog.getByTestId('stale-plan');
    await stale.getByText('The draft changed since this plan was drawn').waitFor();
    await plan.getByText('account.region_code').first().waitFor();
    await plan.getByText('account.loyalty_tier').first().waitFor();
    // The page behind the dialog is read again as well.
    await page.getByTestId('fields-table').getByText('region_code', { exact: true }).waitFor();
    expect((await api<{ data: unknown[] }>(page, 'GET', '/api/v1/meta/releases')).body.data.length).toBe(
      releasesBefore,
    );
    await shot(page, 'studio-publish-stale-plan');
    expect(await axeViolationsAtRest(page)).toEqual([]);

    await dialog.getByTestId('confirm-publish').click();
    const done = page.getByText(/Published release \d+/);
    await done.waitFor();
    published = Number(/\d+/.exec((await done.textContent()) ?? '')![0]);
    expect(published).toBe(releasesBefore + 1);
    expect(b.problems).toEqual([]);
    // A record holds a value in the new column, so rolling back has a lossy step to confirm.
    const record = await api(page, 'POST', '/api/v1/records/account', { name: 'Rollback Ltd', loyalty_tier: 'Gold' });
    expect(record.status).toBe(201);
    const releases = await api<{ data: { createdByName: string }[] }>(page, 'GET', '/api/v1/meta/releases');

    await page.getByRole('navigation', { name: 'Studio areas' }).getByRole('link', { name: 'Releases' }).click();
    await page.waitForURL('**/studio/releases');
    const row = page
      .getByTestId('releases-table')
      .getByRole('row', { name: new RegExp(`Release ${published} current`) });
    await row.getByText('2 added').waitFor();
    await row.getByText(releases.body.data[0]!.createdByName).waitFor();
    await shot(page, 'studio-releases');
    expect(await axeViolationsAtRest(page)).toEqual([]);

    await row.getByRole('link', { name: `Release ${published}`, exact: true }).click();
    await page.waitForURL(`**/studio/releases/${published}`);
    await page.getByTestId('release-diff').getByText('account.loyalty_tier').waitFor();
    expect(await axeViolationsAtRest(page)).toEqual([]);
  });

  it('rolls back to the release before, after reading its plan, and the change is gone', async () => {
    await page.getByRole('navigation', { name: 'Studio areas' }).getByRole('link', { name: 'Releases' }).click();
    await page.waitForURL('**/studio/releases');
    await page.getByTestId(`rollback-${published - 1}`).click();
    const dialog = await openedDialog(page);
    const plan = dialog.getByTestId('publish-plan');
    await plan.getByText('account.loyalty_tier').first().waitFor();
    await plan.getByText(/archive column .*loyalty_tier/).waitFor();
    await shot(page, 'studio-rollback-plan');
    expect(await axeViolationsAtRest(page)).toEqual([]);
    // Archiving a column that holds a value is lossy: confirmed like a publish's lossy steps.
    await plan.getByText('lossy: 1 row').waitFor();
    expect(await dialog.getByTestId('confirm-rollback').isDisabled()).toBe(true);
    await dialog.getByTestId('confirm-lossy').click();
    await dialog.getByTestId('confirm-rollback').click();
    await page.getByText(`Rolled back to release ${published - 1}: now release ${published + 1}`).waitFor();
    expect(await accountFields()).not.toContain('loyalty_tier');
    const runtime = await api<{ objects: { apiName: string; fields: { apiName: string }[] }[] }>(
      page,
      'GET',
      '/api/v1/meta/runtime',
    );
    const account = runtime.body.objects.find((o) => o.apiName === 'account')!;
    expect(account.fields.map((f) => f.apiName)).not.toContain('loyalty_tier');
    await page
      .getByTestId('releases-table')
      .getByRole('row', { name: new RegExp(`Release ${published + 1} current rollback to ${published - 1}`) })
      .waitFor();
    expect(a.problems).toEqual([]);
  });
});
