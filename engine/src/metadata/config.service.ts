import type { Knex } from 'knex';
import { invalid, notFound, type FieldError } from '../errors.js';
import { diffConfigs, type ConfigFileChange } from './config-diff.js';
import {
  CONFIG_FOLDERS,
  configFiles,
  exportedItem,
  fileError,
  inFile,
  itemPath,
  parseConfigFiles,
  stableJson,
} from './config-files.js';
import { ITEM_KINDS, type MetaItem } from './kinds.js';
import { normalizeObject } from './normalize.js';
import { schemaErrors } from './shape-checks.js';
import type { PublishOptions, PublishResult, Publisher } from './publish.js';
import type { QueryChecks } from './query-checks.js';
import type { DraftStore } from './store.js';
import type { MetadataSnapshot, ObjectDef } from './types.js';
import { validateSnapshot } from './validate.js';

/**
 * Configuration as files (`tessera metadata export|import|diff`, GET/POST /api/v1/meta/export|import):
 * the draft or a release as files, files into the draft. The transport (a folder, a zip) only
 * turns files into bytes by path; everything else happens here.
 */

/** Which configuration: the draft, the current release, or release n. */
export type ConfigSource = 'draft' | 'current' | number;

/** The draft before and after an import, for the caller's own checks (who may change what). */
export type ImportAuthorizer = (before: MetadataSnapshot, after: MetadataSnapshot) => void;

export interface ImportOptions extends Pick<PublishOptions, 'confirmLossy' | 'userId'> {
  /** Publish the imported draft too (else only plan it). */
  publish?: boolean;
  authorize?: ImportAuthorizer;
}

type Item = { id?: string; apiName?: string };

export class ConfigFilesService {
  constructor(
    private readonly knex: Knex,
    private readonly draft: DraftStore,
    private readonly publisher: Publisher,
    private readonly checks: QueryChecks,
    /** Loads the current release after a publish (MetadataService.load). */
    private readonly reload: () => Promise<void>,
  ) {}

  async snapshotOf(source: ConfigSource): Promise<MetadataSnapshot> {
    if (source === 'draft') return this.draft.snapshot(this.knex);
    if (source === 'current') {
      const current = await this.publisher.current();
      if (!current) throw notFound('nothing has been published yet');
      return current.snapshot;
    }
    return (await this.publisher.get(source)).snapshot;
  }

  /** The files of a configuration, by path: `objects/account.json` → its text. */
  async exportFiles(source: ConfigSource): Promise<Map<string, string>> {
    return configFiles(await this.snapshotOf(source));
  }

  /** What the files change relative to the configuration (empty when they are the same). */
  async diff(files: ReadonlyMap<string, Uint8Array>, against: ConfigSource): Promise<ConfigFileChange[]> {
    const incoming = parseConfigFiles(files);
    return diffConfigs(await this.snapshotOf(against), incoming);
  }

  /**
   * Replaces the draft with the files, checked as the metadata API checks each save, and answers
   * the publish plan (or publishes, with `publish`). Nothing changes when anything is refused.
   */
  async importFiles(files: ReadonlyMap<string, Uint8Array>, options: ImportOptions = {}): Promise<PublishResult> {
    const incoming = parseConfigFiles(files);
    const result = await this.publisher.replaceDraft(
      { dryRun: !options.publish, confirmLossy: options.confirmLossy === true, userId: options.userId ?? null },
      (draft) => {
        const next = normalized(incoming, draft);
        // The whole-snapshot checks expect items of the right shape: shapes first.
        const shapes = [...shapeErrors(next), ...duplicateIds(next)];
        const errors = shapes.length ? shapes : validateSnapshot(next, this.checks).map(inFile);
        if (errors.length) throw invalid('the configuration files are not valid; nothing was changed', errors);
        options.authorize?.(draft, next);
        return next;
      },
    );
    if (!result.dryRun) await this.reload();
    return result;
  }
}

/**
 * Each item as a save through the API would make it: missing ids given (kept from the draft's item
 * of the same id or API name), workflows without secrets keeping the tenant's (workflow-items.ts).
 * An item the files leave as the draft has it (secrets aside) stays exactly as it is, so importing
 * an export changes nothing — not even ids a save would give parts that have none (the core
 * pack's sharing rules).
 */
function normalized(incoming: MetadataSnapshot, draft: MetadataSnapshot): MetadataSnapshot {
  const next: MetadataSnapshot = { objects: [], layouts: [], listViews: [] };
  for (const { kind, key } of CONFIG_FOLDERS) {
    const before = (draft[key] ?? []) as Item[];
    (next[key] as unknown[]) = ((incoming[key] ?? []) as Item[]).map((item) => {
      const existing =
        before.find((i) => item.id !== undefined && i.id === item.id) ?? before.find((i) => i.apiName === item.apiName);
      if (existing && stableJson(exportedItem(kind, existing)) === stableJson(item)) return existing;
      return kind === 'object'
        ? normalizeObject(item as ObjectDef, existing as ObjectDef | undefined)
        : ITEM_KINDS[kind].normalize(item as MetaItem, existing as MetaItem | undefined);
    });
  }
  return next;
}

/** Each file against its kind's JSON Schema, as a save through the API is checked first. */
function shapeErrors(snapshot: MetadataSnapshot): FieldError[] {
  return CONFIG_FOLDERS.flatMap(({ kind, folder, key }) =>
    ((snapshot[key] ?? []) as Item[]).flatMap((item) =>
      schemaErrors(kind === 'object' ? 'object' : ITEM_KINDS[kind].schema, item).map((e) =>
        fileError(itemPath(folder, String(item.apiName)), e.field === '/' ? '' : e.field, e.code, e.message),
      ),
    ),
  );
}

/** Two files of one kind with the same id would be one item in the draft. */
function duplicateIds(snapshot: MetadataSnapshot): FieldError[] {
  const errors: FieldError[] = [];
  for (const { folder, key } of CONFIG_FOLDERS) {
    const seen = new Map<string, string>();
    for (const item of (snapshot[key] ?? []) as Item[]) {
      if (typeof item.id !== 'string') continue;
      const file = itemPath(folder, String(item.apiName));
      const first = seen.get(item.id);
      if (first) errors.push(fileError(file, '/id', 'duplicate', `id "${item.id}" is also the id in ${first}`));
      else seen.set(item.id, file);
    }
  }
  return errors;
}
