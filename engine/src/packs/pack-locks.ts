import type { FieldError } from '../errors.js';
import { ITEM_KINDS } from '../metadata/kinds.js';
import type { ItemLocks } from '../metadata/store.js';
import type { MetadataSnapshot } from '../metadata/types.js';
import { mergePack } from './merge.js';
import type { Customizable } from './ownership.js';
import type { PackContent } from './pack-files.js';

/**
 * What an installed pack keeps for itself (pack.json `customizable`, ownership.ts) cannot be
 * edited in the draft: saving an item that changes such a property of the pack's version — a
 * locked rule condition, a field's type or api name — is refused, naming each property and the
 * pack, as a managed package's locked fields are. Worked out by the upgrade merge itself, with
 * the installed version as both base and new version: what it would set back is what is locked.
 * (A configuration import can still change them; the next upgrade sets them back, and says so.)
 */

type Json = unknown;

export function packLocks(schema: string): ItemLocks {
  return async (db, kind, item) => {
    const rows = await db(`${schema}._packs`)
      .where({ state: 'installed' })
      .select<{ name: string; snapshot: PackContent; customizable: Customizable | null }[]>(
        'name',
        'snapshot',
        'customizable',
      );
    const key = kind === 'object' ? 'objects' : ITEM_KINDS[kind].key;
    const errors: FieldError[] = [];
    for (const row of rows) {
      const mine = { objects: [], layouts: [], listViews: [], [key]: [item] } as unknown as MetadataSnapshot;
      const { plan } = mergePack(row.snapshot, row.snapshot, mine, {}, row.customizable ?? {});
      for (const entry of plan.filter((p) => p.kind === kind && p.id === item.id))
        for (const path of entry.reset)
          errors.push({
            field: pointerOf(item, path),
            code: 'packLocked',
            message: `the ${row.name} pack keeps this as it installed it; its pack.json does not let it be changed`,
          });
    }
    return errors;
  };
}

/** A path by ids (`/fields/hc.patient.mrn/type`) as a JSON pointer into the item (`/fields/3/type`). */
export function pointerOf(item: Json, path: string): string {
  let at: Json = item;
  const out: string[] = [];
  for (const segment of path.split('/').slice(1)) {
    if (Array.isArray(at)) {
      const keyOf = (e: Json) =>
        typeof e === 'object' && e !== null
          ? ((e as { id?: unknown; value?: unknown }).id ?? (e as { value?: unknown }).value)
          : e;
      const i = at.findIndex((e) => keyOf(e) === segment);
      out.push(i < 0 ? segment : String(i));
      at = i < 0 ? undefined : at[i];
    } else {
      out.push(segment);
      at = typeof at === 'object' && at !== null ? (at as Record<string, Json>)[segment] : undefined;
    }
  }
  return `/${out.join('/')}`;
}
