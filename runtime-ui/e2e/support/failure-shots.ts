import fs from 'node:fs';
import path from 'node:path';
import { beforeEach } from 'vitest';
import { ARTIFACTS, openPages } from './browser';

/**
 * When a test fails, every page still open is saved as failed-<test>-<n>.png and .html next to
 * the other artifacts: a CI failure shows what the browser had on screen, not only the locator.
 */
beforeEach(({ onTestFailed }) => {
  onTestFailed(async ({ task }) => {
    const name = task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    let n = 0;
    for (const page of openPages) {
      const file = path.join(ARTIFACTS, `failed-${name}-${++n}`);
      await page.screenshot({ path: `${file}.png`, timeout: 5_000 }).catch(() => undefined);
      await page
        .content()
        .then((html) => fs.writeFileSync(`${file}.html`, html))
        .catch(() => undefined);
      console.error(`failure picture: ${file}.png`);
    }
  });
});
