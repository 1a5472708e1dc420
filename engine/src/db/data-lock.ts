import fs from 'node:fs';
import path from 'node:path';

/**
 * Embedded PGlite keeps its database in files that one process may open at a time: a second
 * engine, or a `tessera` command run beside a running one, would write the same files and corrupt
 * them. The data folder holds a lock file naming its owner's process id; a lock left by a process
 * that no longer exists (kill -9, a power cut) is taken over.
 */

export const LOCK_FILE = 'tessera.lock';

export class DataFolderInUse extends Error {}

/** Takes the folder's lock; the function it returns gives it back. */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
        throw new DataFolderInUse(
          `the data folder ${dataDir} is in use by process ${owner}: embedded PGlite has one process at a time. ` +
            'Stop that process first, or set DATABASE_URL to a PostgreSQL server to run several engines.',
        );
      }
      fs.rmSync(file, { force: true }); // its owner is gone
    }
  }
  throw new DataFolderInUse(`could not take the lock of the data folder ${dataDir}; another process is starting`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
