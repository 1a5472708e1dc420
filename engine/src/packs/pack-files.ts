import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalid, schemaKeywordCode, type FieldError } from '../errors.js';
import { metaValidator } from '../metadata/schemas.js';
import type { Customizable } from './ownership.js';
import type { SeedFile } from './seed.js';
import { applyTranslations, itemsById, type TranslationFile } from './translations.js';
import type {
  ApprovalProcessDef,
  DashboardDef,
  FieldDef,
  GroupDef,
  Label,
  LayoutDef,
  ListViewDef,
  MetadataSnapshot,
  ObjectDef,
  PermissionSetDef,
  RoleDef,
  WorkflowDef,
} from '../metadata/types.js';

/** Reads a pack folder (pack.json and the files it lists) into a metadata snapshot. */

export const CORE_PACK_DIR = fileURLToPath(new URL('../../../metadata/core/', import.meta.url));

export interface PackManifest {
  namespace: string;
  name: string;
  version: string;
  label: Label;
  description?: string;
  /** Semver range of engine versions the pack works with. */
  engine?: string;
  /** Namespace of another pack → semver range its installed version must satisfy. */
  dependencies?: Record<string, string>;
  objects?: string[];
  layouts?: string[];
  listViews?: string[];
  dashboards?: string[];
  roles?: string[];
  groups?: string[];
  permissionSets?: string[];
  workflows?: string[];
  approvalProcesses?: string[];
  extensions?: string[];
  seed?: string[];
  /** What the customer may change and keep over an upgrade (ownership.ts). */
  customizable?: Customizable;
  /** Locale → translation file (translations.ts). */
  translations?: Record<string, string>;
}

/** Fields a pack adds to an object it does not define (core `account`, another pack's object). */
export interface Extension {
  object: string;
  fields: FieldDef[];
}

/** What a pack version brings: its items, and its fields on others' objects. */
export type PackContent = MetadataSnapshot & { extensions?: Extension[] };

/** A file of the pack as JSON; a missing or broken one is a 422 naming it, not a crash. */
function readJson(dir: string, file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw invalid(`the pack in ${path.basename(dir)} cannot be read`, [
      {
        field: file,
        code: missing ? 'reference' : 'json',
        message: missing ? 'the file pack.json lists is not there' : (e as Error).message,
      },
    ]);
  }
}

/** A seed file's shape: { object, records: [ … ] }, else a 422 naming the file. */
function seedFile(dir: string, file: string): SeedFile {
  const doc = readJson(dir, file) as { object?: unknown; records?: unknown };
  if (
    typeof doc?.object !== 'string' ||
    !Array.isArray(doc.records) ||
    !doc.records.every((r) => typeof r === 'object' && r !== null)
  )
    throw invalid(`the pack in ${path.basename(dir)} has a seed file of another shape`, [
      { field: file, code: 'type', message: 'a seed file is { "object": apiName, "records": [ { … } ] }' },
    ]);
  return { file, object: doc.object, records: doc.records as Record<string, unknown>[] };
}

export function readPack(dir: string): { manifest: PackManifest; snapshot: PackContent; seeds: SeedFile[] } {
  const manifest = readJson(dir, 'pack.json') as PackManifest;
  const validate = metaValidator('pack');
  if (!validate(manifest)) {
    throw invalid(
      `pack.json in ${dir} is not valid`,
      (validate.errors ?? []).map((e) => ({
        field: e.instancePath || '/',
        code: schemaKeywordCode(e.keyword),
        message: e.message ?? '',
      })),
    );
  }
  const load = <T>(files: string[] | undefined): T[] => (files ?? []).map((file) => readJson(dir, file) as T);
  const snapshot: PackContent = {
    objects: load<ObjectDef>(manifest.objects),
    layouts: load<LayoutDef>(manifest.layouts),
    listViews: load<ListViewDef>(manifest.listViews),
    dashboards: load<DashboardDef>(manifest.dashboards),
    roles: load<RoleDef>(manifest.roles),
    groups: load<GroupDef>(manifest.groups),
    permissionSets: load<PermissionSetDef>(manifest.permissionSets),
    workflows: load<WorkflowDef>(manifest.workflows),
    approvalProcesses: load<ApprovalProcessDef>(manifest.approvalProcesses),
    ...(manifest.extensions ? { extensions: load<Extension>(manifest.extensions) } : {}),
  };
  checkAgainstItems(dir, manifest, snapshot);
  return { manifest, snapshot, seeds: (manifest.seed ?? []).map((file) => seedFile(dir, file)) };
}

/**
 * What pack.json and its translation files say about items by id, checked against the items
 * the pack defines; the translations merged into their labels.
 */
function checkAgainstItems(dir: string, manifest: PackManifest, snapshot: PackContent): void {
  const items = itemsById(snapshot);
  const errors: FieldError[] = Object.keys(manifest.customizable?.items ?? {})
    .filter((id) => !items.has(id))
    .map((id) => ({
      field: `customizable.items.${id}`,
      code: 'reference',
      message: `the pack defines no item with id "${id}"`,
    }));
  const validate = metaValidator('pack-translations');
  for (const [locale, file] of Object.entries(manifest.translations ?? {})) {
    const doc = readJson(dir, file);
    if (!validate(doc)) {
      errors.push(
        ...(validate.errors ?? []).map((e) => ({
          field: `${file}#${e.instancePath}`,
          code: schemaKeywordCode(e.keyword),
          message: e.message ?? '',
        })),
      );
      continue;
    }
    errors.push(...applyTranslations(items, file, locale, doc as TranslationFile));
  }
  if (errors.length) throw invalid(`the pack in ${path.basename(dir)} names items it does not define`, errors);
}
