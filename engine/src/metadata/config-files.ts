import { invalid, type FieldError } from '../errors.js';
import { ITEM_SPECS } from './kinds.js';
import type { MetadataKind, MetadataSnapshot, WorkflowDef } from './types.js';

/**
 * The configuration as files, one per item, for git: `objects/<apiName>.json` and one folder per
 * other kind named as its API segment (`layouts/`, `list-views/`, `workflows/` …), as the core
 * pack in metadata/core is laid out, plus the marker `tessera-config.json`. Pure: snapshot → file
 * texts, and file bytes → snapshot, with every problem named `<file>#<JSON pointer>`.
 *
 * Keys are sorted at every level. The draft keeps items as jsonb, which does not keep the order
 * they were sent in, so "the order written" does not exist; the schemas' order would need a walk
 * through their oneOf/if-then branches and would rewrite every file when a schema is reordered.
 * Sorted keys are the same whoever wrote the item and whatever tool reformats it (`jq -S`).
 * Arrays keep their order: the order of fields, sections and actions means something.
 */

export const CONFIG_MARKER = 'tessera-config.json';
export const CONFIG_FORMAT = 1;
/** As much as the metadata API takes in one save (its JSON body limit). */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface ConfigFolder {
  kind: MetadataKind;
  folder: string;
  key: keyof MetadataSnapshot;
}

export const CONFIG_FOLDERS: readonly ConfigFolder[] = [
  { kind: 'object', folder: 'objects', key: 'objects' },
  ...ITEM_SPECS.map((s) => ({ kind: s.kind, folder: s.path, key: s.key })),
];

const FOLDER_NAMES = new Set(CONFIG_FOLDERS.map((f) => f.folder));
/** The only paths an item file may have; the name part is an API name, so it cannot climb out. */
const ITEM_PATH = /^([a-z-]+)\/([a-z][a-z0-9_]{0,39})\.json$/;

/** JSON with keys sorted at every level, 2-space indentation and a closing newline. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}

/**
 * An item as it goes into a file: a workflow without its webhook and inbound secrets, which would
 * otherwise end up in git. On import a workflow without them keeps the tenant's (workflow-items.ts).
 */
export function exportedItem(kind: MetadataKind, item: unknown): unknown {
  if (kind !== 'workflow' || item === null || typeof item !== 'object') return item;
  const workflow = structuredClone(item) as Partial<WorkflowDef>;
  const trigger = workflow.trigger as Record<string, unknown> | undefined;
  if (trigger && 'inbound' in trigger) delete trigger.secret;
  for (const action of Array.isArray(workflow.actions) ? workflow.actions : []) {
    if (action?.type === 'webhook') delete (action as { secret?: string }).secret;
  }
  return workflow;
}

export const itemPath = (folder: string, apiName: string) => `${folder}/${apiName}.json`;

/** Every file of the configuration, by path, in path order. */
export function configFiles(snapshot: MetadataSnapshot): Map<string, string> {
  const files: [string, string][] = [[CONFIG_MARKER, stableJson({ format: CONFIG_FORMAT })]];
  for (const { kind, folder, key } of CONFIG_FOLDERS) {
    for (const item of (snapshot[key] ?? []) as { apiName: string }[])
      files.push([itemPath(folder, item.apiName), stableJson(exportedItem(kind, item))]);
  }
  return new Map(files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export const fileError = (file: string, pointer: string, code: FieldError['code'], message: string): FieldError => ({
  field: `${file}#${pointer}`,
  code,
  message,
});

/** Whether a path (from a folder or a zip) belongs to the format; other top-level entries are ignored. */
export function isConfigPath(path: string): boolean {
  return path === CONFIG_MARKER || FOLDER_NAMES.has(path.split('/')[0]!);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseFile(path: string, bytes: Uint8Array, errors: FieldError[]): unknown {
  if (bytes.byteLength > MAX_FILE_BYTES) {
    errors.push(fileError(path, '', 'fileSize', `larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`));
    return undefined;
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    errors.push(fileError(path, '', 'charset', 'not UTF-8 text'));
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    errors.push(fileError(path, '', 'notJson', `not JSON: ${(e as Error).message.replace(/\s+/g, ' ')}`));
    return undefined;
  }
}

/**
 * The snapshot the files describe, items in API-name order, or a 422 naming each bad file and
 * pointer. Checks what the files' names and shape decide; the metadata checks come after.
 */
export function parseConfigFiles(files: ReadonlyMap<string, Uint8Array>): MetadataSnapshot {
  const errors: FieldError[] = [];
  const marker = files.get(CONFIG_MARKER);
  if (!marker)
    errors.push(
      fileError(
        CONFIG_MARKER,
        '',
        'required',
        'missing: this is not a configuration export (tessera metadata export writes it)',
      ),
    );
  else {
    const doc = parseFile(CONFIG_MARKER, marker, errors) as { format?: unknown } | undefined;
    if (doc !== undefined && doc?.format !== CONFIG_FORMAT)
      errors.push(fileError(CONFIG_MARKER, '/format', 'const', `this engine reads format ${CONFIG_FORMAT}`));
  }
  const snapshot: MetadataSnapshot = { objects: [], layouts: [], listViews: [] };
  const byFolder = new Map(CONFIG_FOLDERS.map((f) => [f.folder, f]));
  for (const path of [...files.keys()].sort()) {
    if (path === CONFIG_MARKER || !isConfigPath(path)) continue;
    const match = ITEM_PATH.exec(path);
    const folder = match && byFolder.get(match[1]!);
    if (!match || !folder) {
      errors.push(
        fileError(
          path,
          '',
          'path',
          'not a file of the format: <folder>/<apiName>.json, with an API name of a-z, 0-9 and _',
        ),
      );
      continue;
    }
    const doc = parseFile(path, files.get(path)!, errors);
    if (doc === undefined) continue;
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      errors.push(fileError(path, '', 'type', 'must be a JSON object'));
      continue;
    }
    const apiName = (doc as { apiName?: unknown }).apiName;
    if (apiName !== match[2])
      errors.push(
        fileError(
          path,
          '/apiName',
          'fileName',
          `must be "${match[2]}" as the file is named; to rename the item, change both`,
        ),
      );
    ((snapshot[folder.key] ??= []) as unknown[]).push(doc);
  }
  if (errors.length) throw invalid('the configuration files are not valid; nothing was changed', errors);
  return snapshot;
}

/**
 * A metadata error of a whole snapshot (`/objects/<name>/…`, `/<key>/<name>/…`, validate.ts)
 * named by its file instead. Other errors (a table and column of the plan) are left as they are.
 */
export function inFile(error: FieldError): FieldError {
  const [, key, name, rest = ''] = /^\/([A-Za-z]+)\/([a-z][a-z0-9_]*)(\/.*)?$/.exec(error.field) ?? [];
  const folder = CONFIG_FOLDERS.find((f) => f.key === key);
  return folder && name ? { ...error, field: `${itemPath(folder.folder, name)}#${rest}` } : error;
}
