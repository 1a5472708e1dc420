import type { Locator, Page } from 'playwright-core';

/** What the studio's screens are driven with in more than one e2e file: its rule editor and its drags. */

/**
 * Replaces the text of the rule editor inside `container` as typed by the keyboard (monaco
 * closes brackets itself, so the text is inserted rather than typed key by key).
 */
export async function typeRule(page: Page, container: Locator, text: string): Promise<void> {
  const editor = container.locator('.monaco-editor');
  await editor.waitFor();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** Drags `handle` with the mouse into the padding below the last item of `target`. */
export async function dragInto(page: Page, handle: Locator, target: Locator): Promise<void> {
  // The target in the middle of the window, so the drag does not scroll the page (dnd-kit
  // scrolls near the edges) and move the target away from under the pointer.
  await target.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const from = (await handle.boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 8, from.y + from.height / 2 + 8, { steps: 4 });
  const to = (await target.boundingBox())!;
  await page.mouse.move(to.x + to.width / 2, to.y + to.height - 3, { steps: 12 });
  // Where the target is now (after any scroll), in its own padding below its last chip.
  const now = (await target.boundingBox())!;
  await page.mouse.move(now.x + now.width / 2, now.y + now.height - 3, { steps: 2 });
  await page.mouse.up();
}

/** The API names of the fields placed in a zone of the layout builder, in order. */
export const fieldsIn = (zone: Locator) =>
  zone.locator('li[data-field]').evaluateAll((items) => items.map((i) => i.getAttribute('data-field')));
