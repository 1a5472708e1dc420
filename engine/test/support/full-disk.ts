import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A small disk of its own: a tmpfs of `size` mounted on a fresh folder (the tests run as root, as
 * CI does), so a file written to it runs out of space for real, with ENOSPC from the kernel.
 */
export interface SmallDisk {
  dir: string;
  /** The names in the folder, to check nothing was left behind. */
  entries(): string[];
  unmount(): void;
}

export function mountSmallDisk(size = '1m'): SmallDisk {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-small-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  return {
    dir,
    entries: () => fs.readdirSync(dir),
    unmount() {
      execFileSync('umount', [dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
