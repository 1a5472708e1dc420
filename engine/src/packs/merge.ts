import { stableJson } from '../metadata/config-files.js';
import { ITEM_SPECS } from '../metadata/kinds.js';
import type { MetadataKind, MetadataSnapshot } from '../metadata/types.js';
import { ownedBy, type Customizable, type PropertyAt } from './ownership.js';
import type { Extension, PackContent } from './pack-files.js';

/**
 * The three-way merge of a pack upgrade: the version installed (base), the new version (theirs)
 * and the tenant's draft now (mine). What the admin changed stays changed, what they added
 * stays, what they deleted is not re-created; what the pack changed lands. Only where both
 * changed the same customisable property differently is there a conflict, which needs a choice
 * (`keepMine` or `takeTheirs`) before the upgrade goes ahead.
 *
 * Properties that stay the pack's (ownership.ts: api names, types, formulas, targets, and what
 * pack.json's `customizable` locks) take the new version's value whatever the admin did: an
 * admin's edit of one is set back, and the plan lists it as reset. Locking decides properties,
 * not membership: a field or rule the admin added to a pack item stays, one they deleted is not
 * re-created.
 *
 * The merge walks JSON: objects key by key, lists of items by their stable `id` (fields,
 * validation rules, sections), picklist values by `value`, lists of names as sets (a section's
 * fields, a view's columns) and anything else whole. Pure: no database, no I/O.
 */

export type Resolution = 'keepMine' | 'takeTheirs';

export interface Conflict {
  /** Stable address of the property: kind, item id, then the path by ids (`object:hc.patient/fields/hc.patient.mrn/label/en`). */
  key: string;
  kind: MetadataKind;
  apiName: string;
  path: string;
  base: unknown;
  mine: unknown;
  theirs: unknown;
  resolution?: Resolution;
}

export type ItemAction = 'add' | 'update' | 'remove' | 'keepDeleted' | 'unchanged';

export interface PlanItem {
  kind: MetadataKind;
  id: string;
  apiName: string;
  action: ItemAction;
  /** Where the pack's changes landed (paths by id). */
  taken: string[];
  /** Where the admin's own changes were kept: their additions, deletions and edits. */
  kept: string[];
  /** Where a property that stays the pack's was set back to the pack's value. */
  reset: string[];
}

export interface MergeResult {
  snapshot: MetadataSnapshot;
  plan: PlanItem[];
  /** Every conflict, resolved or not; unresolved ones leave the admin's value in `snapshot`. */
  conflicts: Conflict[];
}

type Json = unknown;
type Item = { id: string; apiName: string } & Record<string, Json>;

const same = (a: Json, b: Json) => stableJson(a) === stableJson(b);
const isMap = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const keyOf = (v: Json): string | undefined =>
  isMap(v) ? (typeof v.id === 'string' ? v.id : typeof v.value === 'string' ? v.value : undefined) : undefined;
const keyedList = (...lists: Json[]) =>
  lists.some((l) => Array.isArray(l) && l.length) &&
  lists.every((l) => l === undefined || (Array.isArray(l) && l.every((e) => keyOf(e) !== undefined)));
const nameList = (...lists: Json[]) =>
  lists.some((l) => Array.isArray(l) && l.length) &&
  lists.every((l) => l === undefined || (Array.isArray(l) && l.every((e) => typeof e === 'string')));

interface Walk {
  kind: MetadataKind;
  item: Item;
  plan: PlanItem;
  conflicts: Conflict[];
  resolutions: Record<string, Resolution>;
  /** Whether the property stands at stays the pack's (ownership.ts, for this item's kind). */
  owned: (at: PropertyAt) => boolean;
}

/** Where a value is: its path by ids (plans and conflict keys say it so) and its property address. */
interface At extends PropertyAt {
  path: string;
}

const asMap = (v: Json) => (v ?? {}) as Record<string, Json>;
const isMapMerge = (base: Json, theirs: Json, mine: Json) =>
  [base, theirs, mine].every((v) => isMap(asMap(v))) && (isMap(theirs) || isMap(mine));

/** Merges one value found `at` a place of an item; `base`, `theirs` or `mine` undefined is "not there". */
function mergeValue(w: Walk, at: At, base: Json, theirs: Json, mine: Json): Json {
  const { path } = at;
  // A list of items is never the pack's as a whole: the admin's own items in it stay theirs.
  if (at.names.length && !keyedList(base, theirs, mine) && w.owned(at)) {
    if (!same(mine, theirs)) (same(mine, base) ? w.plan.taken : w.plan.reset).push(path);
    return theirs;
  }
  if (same(theirs, base)) {
    if (same(mine, base)) return mine;
    // The admin changed it; a property beneath that stays the pack's is set back.
    const scratch: Walk = { ...w, plan: { ...w.plan, taken: [], kept: [], reset: [] } };
    const merged = mergeInside(scratch, at, base, theirs, mine);
    if (merged !== NOT_STRUCTURED && scratch.plan.reset.length) {
      w.plan.kept.push(...scratch.plan.kept);
      w.plan.reset.push(...scratch.plan.reset);
      return merged;
    }
    w.plan.kept.push(path);
    return mine;
  }
  if (same(mine, base) || same(mine, theirs)) {
    w.plan.taken.push(path);
    return theirs;
  }
  // Both changed it, differently.
  const merged = mergeInside(w, at, base, theirs, mine);
  if (merged !== NOT_STRUCTURED) return merged;
  const key = `${w.kind}:${w.item.id}${path}`;
  const resolution = w.resolutions[key];
  w.conflicts.push({ key, kind: w.kind, apiName: w.item.apiName, path, base, mine, theirs, resolution });
  if (resolution === 'takeTheirs') {
    w.plan.taken.push(path);
    return theirs;
  }
  w.plan.kept.push(path);
  return mine;
}

const NOT_STRUCTURED = Symbol('not structured');

/** Merges a map, a list of items or a list of names part by part; anything else is NOT_STRUCTURED. */
function mergeInside(w: Walk, at: At, base: Json, theirs: Json, mine: Json): Json {
  if (isMapMerge(base, theirs, mine)) return mergeMap(w, at, asMap(base), asMap(theirs), asMap(mine));
  if (keyedList(base, theirs, mine))
    return mergeList(w, at, (base ?? []) as Json[], (theirs ?? []) as Json[], (mine ?? []) as Json[]);
  if (nameList(base, theirs, mine) && theirs !== undefined && mine !== undefined)
    return mergeNames(w, at.path, (base ?? []) as string[], theirs as string[], mine as string[]);
  return NOT_STRUCTURED;
}

function mergeMap(
  w: Walk,
  at: At,
  base: Record<string, Json>,
  theirs: Record<string, Json>,
  mine: Record<string, Json>,
): Record<string, Json> {
  const out: Record<string, Json> = {};
  const keys = [...new Set([...Object.keys(mine), ...Object.keys(theirs), ...Object.keys(base)])];
  for (const k of keys) {
    const inner = { path: `${at.path}/${k}`, names: [...at.names, k], scopes: at.scopes };
    const v = mergeValue(w, inner, base[k], theirs[k], mine[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** An element of a list of items: its path by key, and a new scope when it is an item with an id. */
const elementAt = (at: At, k: string, ...versions: Json[]): At => ({
  path: `${at.path}/${k}`,
  names: at.names,
  scopes: versions.some((v) => isMap(v) && v.id === k) ? [...at.scopes, { id: k, depth: at.names.length }] : at.scopes,
});

/**
 * A list of items with ids (or picklist values): the admin's order, each item merged; the
 * pack's new items after the admin's; an item the admin removed stays removed, one the pack
 * removed goes (unless only the admin has it: their own).
 */
function mergeList(w: Walk, at: At, base: Json[], theirs: Json[], mine: Json[]): Json[] {
  const byKey = (list: Json[]) => new Map(list.map((e) => [keyOf(e)!, e]));
  const [b, t, m] = [byKey(base), byKey(theirs), byKey(mine)];
  const out: Json[] = [];
  for (const [k, mv] of m) {
    const inner = elementAt(at, k, mv, b.get(k), t.get(k));
    if (!b.has(k) && !t.has(k)) {
      // The admin's own item (a field, a rule, a section they added): it stays.
      w.plan.kept.push(inner.path);
      out.push(mv);
    } else if (b.has(k) && !t.has(k)) {
      // The pack dropped it; had the admin changed it, their change goes with it, said in the plan.
      w.plan.taken.push(inner.path);
      if (!same(mv, b.get(k))) w.plan.reset.push(inner.path);
    } else out.push(mergeValue(w, inner, b.get(k), t.get(k), mv));
  }
  for (const [k, tv] of t) {
    if (m.has(k)) continue;
    if (b.has(k)) w.plan.kept.push(`${at.path}/${k}`);
    else {
      w.plan.taken.push(`${at.path}/${k}`);
      out.push(tv);
    }
  }
  return out;
}

/** A list of names as a set in the admin's order: the pack's additions appended, its removals removed. */
function mergeNames(w: Walk, path: string, base: string[], theirs: string[], mine: string[]): string[] {
  const added = theirs.filter((n) => !base.includes(n) && !mine.includes(n));
  const removed = new Set(base.filter((n) => !theirs.includes(n)));
  if (added.length || mine.some((n) => removed.has(n))) w.plan.taken.push(path);
  if (!same(mine, base)) w.plan.kept.push(path);
  return [...mine.filter((n) => !removed.has(n)), ...added];
}

const KINDS: { kind: MetadataKind; key: keyof MetadataSnapshot }[] = [
  { kind: 'object', key: 'objects' },
  ...ITEM_SPECS.map((s) => ({ kind: s.kind, key: s.key })),
];

/**
 * Merges an upgrade. `base` is undefined for a first install: every pack item is new, and an
 * item of the same id already in the draft is merged as if both had added it.
 */
export function mergePack(
  base: PackContent | undefined,
  theirs: PackContent,
  mine: MetadataSnapshot,
  resolutions: Record<string, Resolution> = {},
  customizable: Customizable = {},
): MergeResult {
  const snapshot: MetadataSnapshot = { objects: [], layouts: [], listViews: [] };
  const plan: PlanItem[] = [];
  const conflicts: Conflict[] = [];
  for (const { kind, key } of KINDS) {
    const list = (s: MetadataSnapshot | undefined) => (s?.[key] ?? []) as unknown as Item[];
    const [b, t] = [new Map(list(base).map((i) => [i.id, i])), new Map(list(theirs).map((i) => [i.id, i]))];
    const out: Item[] = [];
    const entry = (item: Item, action: ItemAction): PlanItem => {
      const p: PlanItem = { kind, id: item.id, apiName: item.apiName, action, taken: [], kept: [], reset: [] };
      plan.push(p);
      return p;
    };
    const mineIds = new Set(list(mine).map((i) => i.id));
    for (const m of list(mine)) {
      const [bv, tv] = [b.get(m.id), t.get(m.id)];
      if (!bv && !tv) out.push(m);
      else if (bv && !tv) entry(m, 'remove');
      else {
        const p = entry(m, 'update');
        const owned = (at: PropertyAt) => ownedBy(customizable, key, at);
        const walk = { kind, item: m, plan: p, conflicts, resolutions, owned };
        const merged = mergeValue(walk, { path: '', names: [], scopes: [{ id: m.id, depth: 0 }] }, bv, tv, m) as Item;
        if (!p.taken.length && !p.reset.length) p.action = 'unchanged';
        out.push(merged);
      }
    }
    for (const tv of list(theirs)) {
      if (mineIds.has(tv.id)) continue;
      if (b.has(tv.id)) entry(tv, 'keepDeleted');
      else {
        entry(tv, 'add');
        out.push(tv);
      }
    }
    (snapshot as unknown as Record<string, Item[]>)[key] = out;
  }
  const walk = { conflicts, resolutions, owned: (at: PropertyAt) => ownedBy(customizable, 'objects', at) };
  mergeExtensions(base?.extensions ?? [], theirs.extensions ?? [], snapshot, plan, walk);
  return { snapshot, plan, conflicts };
}

/**
 * The pack's fields on others' objects, merged as the fields of its own objects are: the
 * object's other fields (its owner's, the admin's) are left where they are.
 */
function mergeExtensions(
  base: Extension[],
  theirs: Extension[],
  snapshot: MetadataSnapshot,
  plan: PlanItem[],
  walk: Pick<Walk, 'conflicts' | 'resolutions' | 'owned'>,
): void {
  const fieldsOf = (list: Extension[], object: string) =>
    list.filter((e) => e.object === object).flatMap((e) => e.fields);
  for (const object of new Set([...base, ...theirs].map((e) => e.object))) {
    const at = snapshot.objects.findIndex((o) => o.apiName === object);
    if (at < 0) continue;
    // A copy: the draft's own object is not changed in place.
    const target = { ...snapshot.objects[at] } as unknown as Item;
    (snapshot.objects as unknown as Item[])[at] = target;
    const [b, t] = [fieldsOf(base, object), fieldsOf(theirs, object)];
    const ids = new Set([...b, ...t].map((f) => f.id));
    const fields = target.fields as Item[];
    const p: PlanItem = {
      kind: 'object',
      id: target.id,
      apiName: object,
      action: 'update',
      taken: [],
      kept: [],
      reset: [],
    };
    const merged = mergeList(
      { ...walk, kind: 'object', item: target, plan: p },
      { path: '/fields', names: ['fields'], scopes: [] },
      b,
      t,
      fields.filter((f) => ids.has(f.id)),
    ) as Item[];
    const byId = new Map(merged.map((f) => [f.id, f]));
    target.fields = [
      ...fields.flatMap((f) => (!ids.has(f.id) ? [f] : byId.has(f.id) ? [byId.get(f.id)!] : [])),
      ...merged.filter((f) => !fields.some((g) => g.id === f.id)),
    ];
    if (!p.taken.length && !p.reset.length) p.action = 'unchanged';
    plan.push(p);
  }
}
