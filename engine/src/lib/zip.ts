import { unzipSync, zipSync, type Zippable } from 'fflate';
import { badRequest, Problem } from '../errors.js';

/**
 * Files by path to a zip and back (fflate: pure JavaScript, no native code). Unpacking never
 * touches the disk, and refuses an archive before inflating anything in it when an entry's path
 * is not a plain relative one or the sizes it declares pass the limits; an entry that inflates
 * past its declared size is cut at that size (fflate inflates into a buffer of it), so the
 * declared sizes bound the memory used.
 */

export interface UnzipLimits {
  /** Bytes of one unpacked file. */
  maxFileBytes: number;
  /** Bytes of all unpacked files together. */
  maxTotalBytes: number;
  maxEntries: number;
}

/** A zip of the files, each stamped with one fixed date, so the same files give the same bytes. */
export function zipFiles(files: ReadonlyMap<string, string>): Uint8Array {
  const encoder = new TextEncoder();
  const entries: Zippable = {};
  for (const [path, text] of files) entries[path] = [encoder.encode(text), { mtime: new Date('2000-01-01T00:00:00Z') }];
  return zipSync(entries, { level: 6 });
}

/** A path as a zip entry may carry one: relative, `/`-separated, no `..`, `.`, empty or odd characters. */
export function unsafeEntryPath(name: string): string | undefined {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is absolute';
  if (name.includes('\\')) return 'has a backslash';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'has a control character';
  const parts = name.replace(/\/$/, '').split('/');
  if (parts.some((p) => p === '..' || p === '.' || p === '')) return 'has a "..", "." or empty segment';
  return undefined;
}

/** The files of a zip by path (folders left out), or a problem naming the entry and the rule. */
export function unzipFiles(zip: Uint8Array, limits: UnzipLimits): Map<string, Uint8Array> {
  const seen = new Set<string>();
  let total = 0;
  const refuse = (name: string, code: 'path' | 'fileSize' | 'duplicate', message: string) => {
    throw new Problem(code === 'fileSize' ? 'payload-too-large' : 'bad-request', `the zip was refused: ${message}`, [
      { field: name, code, message },
    ]);
  };
  let unpacked: Record<string, Uint8Array>;
  try {
    unpacked = unzipSync(zip, {
      filter: (entry) => {
        const unsafe = unsafeEntryPath(entry.name);
        if (unsafe) refuse(entry.name, 'path', `the entry's path ${unsafe}`);
        if (seen.has(entry.name)) refuse(entry.name, 'duplicate', 'the zip holds this path twice');
        seen.add(entry.name);
        if (seen.size > limits.maxEntries) refuse(entry.name, 'fileSize', `more than ${limits.maxEntries} entries`);
        if (entry.originalSize > limits.maxFileBytes)
          refuse(entry.name, 'fileSize', `larger than ${limits.maxFileBytes} bytes unpacked`);
        total += entry.originalSize;
        if (total > limits.maxTotalBytes)
          refuse(entry.name, 'fileSize', `the files come to more than ${limits.maxTotalBytes} bytes unpacked`);
        return !entry.name.endsWith('/');
      },
    });
  } catch (e) {
    if (e instanceof Problem) throw e;
    throw badRequest('the body is not a zip archive that can be read', [
      { field: 'body', code: 'type', message: (e as Error).message },
    ]);
  }
  return new Map(Object.entries(unpacked));
}
