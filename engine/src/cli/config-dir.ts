import fs from 'node:fs';
import path from 'node:path';
import { badRequest, Problem, type FieldError } from '../errors.js';
import { CONFIG_FOLDERS, CONFIG_MARKER, fileError, MAX_FILE_BYTES } from '../metadata/config-files.js';

/**
 * A configuration folder on disk, as files by path (metadata/config-files.ts has the format).
 * Reading and writing never follow a link: a link in the folder is refused, so an export cannot
 * write, and an import cannot read, outside it. Everything but the marker and the kinds' folders
 * (a README, .git) is left alone.
 */

const FOLDERS = CONFIG_FOLDERS.map((f) => f.folder);

function refused(errors: FieldError[]): never {
  throw badRequest('the folder cannot be used; nothing was changed', errors);
}

const kindOf = (stat: fs.Stats) => (stat.isSymbolicLink() ? 'a link' : stat.isDirectory() ? 'a folder' : 'not a file');

/** The files of the format in the folder, checked for links and sizes before any is read. */
export function readConfigDir(dir: string): Map<string, Uint8Array> {
  const root = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (!root?.isDirectory()) refused([{ field: dir, code: 'path', message: 'is not a folder' }]);
  const files = new Map<string, Uint8Array>();
  const errors: FieldError[] = [];
  const read = (rel: string) => {
    const stat = fs.lstatSync(path.join(dir, rel));
    if (!stat.isFile()) errors.push(fileError(rel, '', 'path', `is ${kindOf(stat)}, not a file`));
    else if (stat.size > MAX_FILE_BYTES)
      errors.push(fileError(rel, '', 'fileSize', `larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`));
    else files.set(rel, fs.readFileSync(path.join(dir, rel)));
  };
  if (fs.lstatSync(path.join(dir, CONFIG_MARKER), { throwIfNoEntry: false })) read(CONFIG_MARKER);
  for (const folder of FOLDERS) {
    const stat = fs.lstatSync(path.join(dir, folder), { throwIfNoEntry: false });
    if (!stat) continue;
    if (!stat.isDirectory()) {
      errors.push(fileError(folder, '', 'path', `is ${kindOf(stat)}, not a folder`));
      continue;
    }
    for (const name of fs.readdirSync(path.join(dir, folder)).sort()) read(`${folder}/${name}`);
  }
  if (errors.length)
    throw new Problem('bad-request', 'the configuration files cannot be read; nothing was changed', errors);
  return files;
}

export interface WriteSummary {
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
}

/**
 * Makes the folder hold exactly these files of the format: writes new and changed ones (each
 * through a temporary file and a rename), removes the kinds' files no longer in the
 * configuration, leaves the rest of the folder alone. A folder that is not empty and holds no
 * earlier export is refused unless `force`.
 */
export function writeConfigDir(dir: string, files: ReadonlyMap<string, string>, force: boolean): WriteSummary {
  const root = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (root && !root.isDirectory()) refused([{ field: dir, code: 'path', message: `is ${kindOf(root)}, not a folder` }]);
  if (root && !force && !fs.existsSync(path.join(dir, CONFIG_MARKER)) && fs.readdirSync(dir).length)
    refused([
      {
        field: dir,
        code: 'path',
        message: `is not empty and holds no ${CONFIG_MARKER} (no earlier export): choose another folder, or --force to write into it`,
      },
    ]);
  // Reads what is there with the same checks as an import: no links, nothing unexpected.
  const existing = root ? readConfigDir(dir) : new Map<string, Uint8Array>();
  fs.mkdirSync(dir, { recursive: true });
  const summary: WriteSummary = { added: 0, changed: 0, removed: 0, unchanged: 0 };
  for (const [rel, text] of files) {
    const before = existing.get(rel);
    if (before && Buffer.from(before).toString('utf8') === text) {
      summary.unchanged++;
      continue;
    }
    summary[before ? 'changed' : 'added']++;
    const target = path.join(dir, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
    fs.writeFileSync(temporary, text, { flag: 'wx' });
    fs.renameSync(temporary, target);
  }
  for (const rel of existing.keys()) {
    // Only what an export writes; anything else there is the user's (and an import refuses it).
    if (files.has(rel) || !rel.endsWith('.json')) continue;
    fs.unlinkSync(path.join(dir, rel));
    summary.removed++;
  }
  // Git keeps no empty folders; neither does an export.
  for (const folder of FOLDERS) {
    const at = path.join(dir, folder);
    if (fs.existsSync(at) && !fs.readdirSync(at).length) fs.rmdirSync(at);
  }
  return summary;
}
