import { diffSnapshots, type MetadataChange } from './diff.js';
import { ITEM_SPECS, itemsOf } from './kinds.js';
import type { MetadataSnapshot, ObjectDef } from './types.js';

/**
 * The draft against the current release, as the studio's changes panel lists it: the changes a
 * publish would make (diff.ts), each changed or renamed one with the properties that differ. Pure.
 */

export interface DraftChange extends MetadataChange {
  /** Top-level properties whose value differs, sorted; for an object, its own (not its fields'). */
  properties?: string[];
}

type Item = Record<string, unknown> & { id: string };

/** Keys whose JSON differs between two versions of an item, sorted. */
export function changedProperties(before: Item, after: Item, ignore: readonly string[] = []): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !ignore.includes(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

const byId = <T extends { id: string }>(items: readonly T[]) => new Map(items.map((i) => [i.id, i]));

export function draftChanges(release: MetadataSnapshot | undefined, draft: MetadataSnapshot): DraftChange[] {
  const before = release ?? { objects: [], layouts: [], listViews: [] };
  const objectsBefore = byId(before.objects);
  const objectsAfter = new Map(draft.objects.map((o) => [o.apiName, o]));
  const itemsBefore = new Map(ITEM_SPECS.map((s) => [s.kind, byId(itemsOf(before, s.kind))]));

  /** The item a change names as it was in the release; undefined for an added or removed one. */
  const previous = (c: MetadataChange): { was: Item; now: Item; ignore?: string[] } | undefined => {
    if (c.kind === 'object') {
      const now = draft.objects.find((o) => o.id === c.id);
      const was = objectsBefore.get(c.id);
      return now && was && { was: asItem(was), now: asItem(now), ignore: ['fields', 'validationRules'] };
    }
    if (c.kind === 'field' || c.kind === 'validationRule') {
      const owner = objectsAfter.get(c.object ?? '');
      const old = owner && objectsBefore.get(owner.id);
      const list = (o: ObjectDef) => (c.kind === 'field' ? o.fields : (o.validationRules ?? [])) as unknown as Item[];
      const now = owner && list(owner).find((i) => i.id === c.id);
      const was = old && list(old).find((i) => i.id === c.id);
      return now && was && { was, now };
    }
    const was = itemsBefore.get(c.kind)?.get(c.id);
    const now = itemsOf(draft, c.kind).find((i) => i.id === c.id);
    return now && was && { was: asItem(was), now: asItem(now) };
  };

  return diffSnapshots(release, draft).map((c) => {
    if (c.change !== 'changed' && c.change !== 'renamed') return c;
    const pair = previous(c);
    return pair ? { ...c, properties: changedProperties(pair.was, pair.now, pair.ignore) } : c;
  });
}

const asItem = (value: object) => value as Item;
