import type { MetadataSnapshot } from '../metadata/types.js';

/**
 * Who owns a property of a pack item after install: the customer (their change survives an
 * upgrade) or the pack (an upgrade sets it back to the pack's value). Pack authors declare it in
 * pack.json's `customizable` (metadata/schemas/pack.schema.json): per kind of item, then per item
 * by id. Pure: the merge asks it about one property at a time.
 *
 * A property is addressed by the names leading to it from the item, list keys left out: a
 * field's label is `fields.label`, a rule's condition `validationRules.condition`, a picklist
 * value's label `fields.values.label`. An entry covers the property it names and everything
 * beneath it (`label` covers `label.zh-CN`).
 */

/** A kind's rule: everything customisable, only the properties listed, or all but the locked ones. */
export type KindOwnership = '*' | string[] | { locked: string[] };

export interface ItemOwnership {
  /** Properties of this item (relative to it) that stay the pack's. */
  locked?: string[];
  /** Properties of this item the customer may change, though its kind's rule locks them. */
  customizable?: string[];
}

type ItemKey = keyof MetadataSnapshot;

export type Customizable = Partial<Record<ItemKey, KindOwnership>> & {
  /** Overrides by the id of any item the pack defines: an object, field, rule, section, layout … */
  items?: Record<string, ItemOwnership>;
};

/**
 * Properties that are what an item is, not how it reads: they stay the pack's whatever pack.json
 * says, because changing them locally would fork the pack (an api name the pack's other items
 * use, a column type, a formula's `expression`, a lookup's `target`).
 */
export const ALWAYS_OWNED: ReadonlySet<string> = new Set([
  'id',
  'apiName',
  'type',
  'expression',
  'target',
  'object',
  'returnType',
]);

/** Where the merge stands: the names from the item down, and the items (by id) it is inside. */
export interface PropertyAt {
  names: string[];
  /** Each enclosing item with an id, outermost first, and how many names lie above it. */
  scopes: { id: string; depth: number }[];
}

const covers = (entry: string, name: string) => name === entry || name.startsWith(`${entry}.`);
const beneath = (entry: string, name: string) => name === '' || entry.startsWith(`${name}.`);

/** The length of the longest entry covering the name, -1 when none does. */
function longest(entries: string[] | undefined, name: string): number {
  return Math.max(-1, ...(entries ?? []).filter((e) => covers(e, name)).map((e) => e.length));
}

/**
 * Whether the property at `at` of an item of kind `key` stays the pack's. A property with
 * something customisable beneath it is not owned as a whole: the merge goes into it.
 */
export function ownedBy(decl: Customizable, key: ItemKey, at: PropertyAt): boolean {
  const last = at.names[at.names.length - 1];
  if (last !== undefined && ALWAYS_OWNED.has(last)) return true;
  // The innermost item that says anything about the property decides; the longer entry wins.
  for (const scope of [...at.scopes].reverse()) {
    const rule = decl.items?.[scope.id];
    if (!rule) continue;
    const name = at.names.slice(scope.depth).join('.');
    const [locked, open] = [longest(rule.locked, name), longest(rule.customizable, name)];
    if (locked >= 0 || open >= 0) return locked >= open;
    // Something beneath is decided by the item: the merge goes in and asks again there.
    if ([...(rule.locked ?? []), ...(rule.customizable ?? [])].some((e) => beneath(e, name))) return false;
  }
  const kind = decl[key] ?? '*';
  const name = at.names.join('.');
  if (kind === '*') return false;
  if (Array.isArray(kind)) return longest(kind, name) < 0 && !kind.some((e) => beneath(e, name));
  return longest(kind.locked, name) >= 0;
}
