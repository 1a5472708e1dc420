import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium driven by playwright-core, and what the e2e tests do with pages. */

export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function launch(): Promise<Browser> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface Watched {
  page: Page;
  /** Page errors and Content-Security-Policy violations: the UI must run under its CSP cleanly. */
  problems: string[];
}

/** Pages still open, so a failed test can leave a picture of each (see failure-shots.ts). */
export const openPages = new Set<Page>();

export async function openPage(browser: Browser, viewport = { width: 1280, height: 860 }): Promise<Watched> {
  const context = await browser.newContext({ viewport, locale: 'en-US' });
  const page = await context.newPage();
  openPages.add(page);
  page.on('close', () => openPages.delete(page));
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  return { page, problems };
}

export async function login(page: Page, url: string, admin: { email: string; password: string }): Promise<void> {
  await page.goto(url + '/');
  await page.getByLabel('E-mail').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'User menu' }).waitFor();
}

export async function shot(page: Page, name: string): Promise<string> {
  const file = path.join(ARTIFACTS, `${name}.png`);
  // Park the pointer so no hover tooltip covers the picture.
  await page.mouse.move(0, page.viewportSize()!.height - 1);
  // A picture of the page at rest: no request in flight, no fade or slide still running.
  await page.waitForLoadState('networkidle');
  // (Endless ones, a spinner or a caret, never finish and do not count.)
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
  );
  await page.screenshot({ path: file });
  return file;
}

/** Serious and critical accessibility violations on the page as it is now (axe-core). */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            opts: object,
          ) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} at ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
}

/**
 * The same on the page at rest: no transition or finite animation running. Mid-way through one (a
 * button going from disabled to enabled as a plan arrives, a hover colour fading out) an element
 * has colours it never keeps. The pointer stays where it is, so a hovered element stays hovered.
 */
export async function axeViolationsAtRest(page: Page): Promise<string[]> {
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
  );
  return axeViolations(page);
}

/** A request with the page's session, as the UI makes it (cookie + X-Requested-With). */
export async function api<T = unknown>(
  page: Page,
  method: string,
  urlPath: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ method, urlPath, body }) => {
      const res = await fetch(urlPath, {
        method,
        credentials: 'same-origin',
        headers: {
          'X-Requested-With': 'XMLHttpRequest',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    { method, urlPath, body },
  );
}

/** True when the page is no wider than the window: nothing to scroll sideways. */
export async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

// The name column of the opportunity list links each row to its record page.
export const OPPORTUNITY_LINKS = '[data-testid="record-table"] .ant-table-row a[href^="/o/opportunity/"]';

/** Waits until the opportunity list shows exactly these names, in this order. */
export const waitForRows = (p: Page, names: string[]) =>
  p.waitForFunction(
    ({ selector, expected }) => {
      const cells = [...document.querySelectorAll(selector)].map((c) => (c as HTMLElement).innerText.trim());
      return JSON.stringify(cells) === JSON.stringify(expected);
    },
    { selector: OPPORTUNITY_LINKS, expected: names },
  );

/**
 * An entry of the open Ant Design select (its visible items; the role=option ones are for screen
 * readers). Not of a drop-down still sliding away: the select closed just before may hold the
 * same entry for a moment.
 */
export const selectOption = (p: Page, label: string) =>
  p.locator(
    `.ant-select-dropdown:visible:not(.ant-slide-up-leave):not(.ant-slide-down-leave) .ant-select-item-option[title="${label}"]`,
  );

/**
 * Waits until no dialog, drop-down or menu is still zooming or sliding in. A click during the
 * motion can press on one spot and release on another as the target moves, which is no click
 * at all; typing does not wait for motion, so a click right after it could land mid-way.
 */
export async function whenStill(p: Page): Promise<void> {
  // rc-motion names every stage of a motion (…-appear, …-appear-active, …-enter …) in the class.
  await p.waitForFunction(() =>
    [...document.querySelectorAll('[role="dialog"], .ant-select-dropdown, .ant-dropdown')].every(
      (d) => !/-(appear|enter)\b/.test(d.className),
    ),
  );
}

/** The dialog on screen, once it has finished opening. */
export async function openedDialog(p: Page): Promise<Locator> {
  const dialog = p.getByRole('dialog');
  await dialog.waitFor();
  await whenStill(p);
  return dialog;
}

/** Clicks an entry of a drop-down once it is there and the drop-down has finished opening. */
async function clickWhenStill(p: Page, entry: Locator): Promise<void> {
  await entry.waitFor();
  await whenStill(p);
  await entry.click();
}

/** Picks an item of the open drop-down menu. */
export const pickMenuItem = (p: Page, name: string) => clickWhenStill(p, p.getByRole('menuitem', { name }));

/** Picks an option of the open Ant Design select. */
export const pickOption = (p: Page, label: string) => clickWhenStill(p, selectOption(p, label));

/** Opens the list's filter builder and adds one condition: field (by label), operator, value. */
export async function addCondition(p: Page, field: string, operator: string, value: string): Promise<void> {
  await p.getByTestId('toggle-filter').click();
  await p.getByRole('button', { name: 'Condition' }).click();
  await p.getByRole('combobox', { name: 'Field' }).click();
  await p.getByRole('combobox', { name: 'Field' }).fill(field);
  await p.getByRole('combobox', { name: 'Field' }).press('Enter');
  await p.getByRole('combobox', { name: 'Operator' }).click();
  await pickOption(p, operator);
  await p.getByTestId('filter-condition').getByLabel(field).fill(value);
}
