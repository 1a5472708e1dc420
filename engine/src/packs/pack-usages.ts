import type { FieldError } from '../errors.js';
import type { MetadataSnapshot } from '../metadata/types.js';
import { usedBy, type Usage, type UsageTarget } from '../metadata/used-by.js';
import type { PackContent } from './pack-files.js';

/**
 * What in the rest of the configuration still names a pack's objects or its fields on others'
 * objects: the items of other packs and the tenant's own (a lookup on account pointing at a pack
 * object, a list view, dashboard, workflow or formula naming a pack field). Uninstalling, and so
 * purging, is refused while anything does: the metadata would dangle, and a purge cannot be
 * undone. Pure, over the draft split into the pack's part and the rest (metadata/used-by.ts).
 */

export interface PackUsage extends Usage {
  /** What of the pack it names: an object's api name, or `object.field` for an extension field. */
  names: string;
  /** The installed pack the naming item belongs to, when it is not the tenant's own. */
  pack?: string;
}

export function packUsages(
  pack: PackContent,
  rest: MetadataSnapshot,
  /** Installed packs' namespaces → names, to say whose item names the pack's. */
  packs: ReadonlyMap<string, string> = new Map(),
): PackUsage[] {
  const targets: UsageTarget[] = [
    ...pack.objects.map((o) => ({ object: o.apiName })),
    ...(pack.extensions ?? []).flatMap((e) => e.fields.map((f) => ({ object: e.object, field: f.apiName }))),
  ];
  return targets.flatMap((target) =>
    usedBy(rest, target).map((usage) => {
      const id = itemId(rest, usage);
      const owner = id === undefined ? undefined : packs.get(id.split('.')[0]!);
      return {
        ...usage,
        names: target.field === undefined ? target.object : `${target.object}.${target.field}`,
        ...(owner ? { pack: owner } : {}),
      };
    }),
  );
}

/** The id of the item a usage is about, found by its kind and api name. */
function itemId(snapshot: MetadataSnapshot, usage: Usage): string | undefined {
  const object = snapshot.objects.find((o) => o.apiName === usage.object);
  const lists: Record<Usage['kind'], { id: string; apiName: string }[] | undefined> = {
    object: snapshot.objects,
    lookup: object?.fields,
    formula: object?.fields,
    rollup: object?.fields,
    validationRule: object?.validationRules,
    sharingRule: object?.sharing?.rules as { id: string; apiName: string }[] | undefined,
    layout: snapshot.layouts,
    listView: snapshot.listViews,
    dashboard: snapshot.dashboards,
    workflow: snapshot.workflows,
    approvalProcess: snapshot.approvalProcesses,
    permissionSet: snapshot.permissionSets,
  };
  return lists[usage.kind]?.find((i) => i.apiName === usage.apiName)?.id;
}

/** The refusal's errors: one per naming item, saying what it names and where. */
export const usageErrors = (usages: PackUsage[]): FieldError[] =>
  usages.map((u) => ({
    field: `${u.kind}:${u.object ? `${u.object}.` : ''}${u.apiName}`,
    code: 'packInUse',
    message: `${u.pack ? `of pack ${u.pack}, ` : "the tenant's own, "}names ${u.names} (${u.places.join(', ')})`,
  }));
