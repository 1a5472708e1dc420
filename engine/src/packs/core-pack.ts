import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { invalid, schemaKeywordCode } from '../errors.js';
import { metaValidator } from '../metadata/schemas.js';
import type {
  DashboardDef,
  GroupDef,
  LayoutDef,
  ListViewDef,
  MetadataSnapshot,
  ObjectDef,
  PermissionSetDef,
  RoleDef,
} from '../metadata/types.js';

/** Reads a pack folder (pack.json and the files it lists) into a metadata snapshot. */

export const CORE_PACK_DIR = fileURLToPath(new URL('../../../metadata/core/', import.meta.url));

export interface PackManifest {
  namespace: string;
  name: string;
  version: string;
  objects?: string[];
  layouts?: string[];
  listViews?: string[];
  dashboards?: string[];
  roles?: string[];
  groups?: string[];
  permissionSets?: string[];
}

export function readPack(dir: string): { manifest: PackManifest; snapshot: MetadataSnapshot } {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'pack.json'), 'utf8')) as PackManifest;
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
  const load = <T>(files: string[] | undefined): T[] =>
    (files ?? []).map((file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as T);
  return {
    manifest,
    snapshot: {
      objects: load<ObjectDef>(manifest.objects),
      layouts: load<LayoutDef>(manifest.layouts),
      listViews: load<ListViewDef>(manifest.listViews),
      dashboards: load<DashboardDef>(manifest.dashboards),
      roles: load<RoleDef>(manifest.roles),
      groups: load<GroupDef>(manifest.groups),
      permissionSets: load<PermissionSetDef>(manifest.permissionSets),
    },
  };
}
