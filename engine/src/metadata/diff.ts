import { ITEM_SPECS, itemsOf } from './kinds.js';
import type { ItemKind, MetadataSnapshot } from './types.js';

/** What changed between two releases, item by item, by stable id. Pure. */
export interface MetadataChange {
  kind: 'object' | 'field' | 'validationRule' | ItemKind;
  id: string;
  apiName: string;
  object?: string;
  change: 'added' | 'removed' | 'changed' | 'renamed';
  from?: string;
}

type Item = { id: string; apiName: string };

function compare<T extends Item>(
  kind: MetadataChange['kind'],
  before: T[],
  after: T[],
  object?: string,
): MetadataChange[] {
  const out: MetadataChange[] = [];
  const old = new Map(before.map((i) => [i.id, i]));
  const now = new Set(after.map((i) => i.id));
  for (const item of after) {
    const prev = old.get(item.id);
    const base = { kind, id: item.id, apiName: item.apiName, ...(object ? { object } : {}) };
    if (!prev) out.push({ ...base, change: 'added' });
    else if (prev.apiName !== item.apiName) out.push({ ...base, change: 'renamed', from: prev.apiName });
    else if (JSON.stringify(prev) !== JSON.stringify(item)) out.push({ ...base, change: 'changed' });
  }
  for (const item of before) {
    if (!now.has(item.id))
      out.push({ kind, id: item.id, apiName: item.apiName, ...(object ? { object } : {}), change: 'removed' });
  }
  return out;
}

export function diffSnapshots(before: MetadataSnapshot | undefined, after: MetadataSnapshot): MetadataChange[] {
  const prev = before ?? { objects: [], layouts: [], listViews: [] };
  const changes = compare('object', prev.objects, after.objects).filter((c) => c.change !== 'changed');
  for (const obj of after.objects) {
    const old = prev.objects.find((o) => o.id === obj.id);
    const { fields: _f, validationRules: _r, ...head } = obj;
    if (old) {
      const { fields: _of, validationRules: _or, ...oldHead } = old;
      if (old.apiName === obj.apiName && JSON.stringify(oldHead) !== JSON.stringify(head)) {
        changes.push({ kind: 'object', id: obj.id, apiName: obj.apiName, change: 'changed' });
      }
    }
    changes.push(...compare('field', old?.fields ?? [], obj.fields, obj.apiName));
    changes.push(...compare('validationRule', old?.validationRules ?? [], obj.validationRules ?? [], obj.apiName));
  }
  for (const spec of ITEM_SPECS)
    changes.push(...compare(spec.kind, itemsOf(prev, spec.kind), itemsOf(after, spec.kind)));
  return changes;
}
