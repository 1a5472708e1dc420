import type { FieldMeta, FilterOperator } from '../api/metadata.api';

/**
 * The filter builder's tree and its translation to the records API filter language:
 *   { "and": [ { "amount": { "gte": 1000 } }, { "or": [ … ] } ] }
 * Pure: the builder edits the tree, toApiFilter() turns it into the request. Conditions without
 * a value yet are left out, so a half-filled row never turns into a 400.
 */

export interface FilterCondition {
  kind: 'condition';
  id: string;
  field: string;
  operator: FilterOperator;
  value: unknown;
}

export interface FilterGroup {
  kind: 'group';
  id: string;
  op: 'and' | 'or';
  children: (FilterCondition | FilterGroup)[];
}

let counter = 0;
export const newId = () => `f${++counter}`;

export const emptyGroup = (op: 'and' | 'or' = 'and'): FilterGroup => ({ kind: 'group', id: newId(), op, children: [] });

export function newCondition(field: FieldMeta): FilterCondition {
  const operator = field.operators.includes('eq') ? 'eq' : (field.operators[0] ?? 'isNull');
  return {
    kind: 'condition',
    id: newId(),
    field: field.apiName,
    operator,
    value: operator === 'isNull' ? true : undefined,
  };
}

/** Operators whose value is a list (in, nin; contains on a multipicklist = has all of). */
export const LIST_OPERATORS: ReadonlySet<FilterOperator> = new Set(['in', 'nin']);

function isComplete(c: FilterCondition): boolean {
  if (c.operator === 'isNull') return typeof c.value === 'boolean';
  if (c.operator === 'between')
    return (
      Array.isArray(c.value) && c.value.length === 2 && c.value.every((v) => v !== undefined && v !== null && v !== '')
    );
  if (Array.isArray(c.value)) return c.value.length > 0;
  return c.value !== undefined && c.value !== null && c.value !== '';
}

export function toApiFilter(group: FilterGroup): Record<string, unknown> | undefined {
  const parts = group.children
    .map((child) =>
      child.kind === 'group'
        ? toApiFilter(child)
        : isComplete(child)
          ? { [child.field]: { [child.operator]: child.value } }
          : undefined,
    )
    .filter((p): p is Record<string, unknown> => p !== undefined);
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  return { [group.op]: parts };
}

/** The view's own filter and the user's, both applying. */
export function combineFilters(...filters: unknown[]): unknown {
  const present = filters.filter(
    (f) => f !== undefined && f !== null && !(typeof f === 'object' && Object.keys(f).length === 0),
  );
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return { and: present };
}

export function countConditions(group: FilterGroup): number {
  return group.children.reduce((n, c) => n + (c.kind === 'group' ? countConditions(c) : isComplete(c) ? 1 : 0), 0);
}

/** Immutable edits of the tree by node id. */
export function updateNode(
  group: FilterGroup,
  id: string,
  update: (node: FilterCondition | FilterGroup) => FilterCondition | FilterGroup | null,
): FilterGroup {
  const children: (FilterCondition | FilterGroup)[] = [];
  for (const child of group.children) {
    if (child.id === id) {
      const next = update(child);
      if (next) children.push(next);
    } else children.push(child.kind === 'group' ? updateNode(child, id, update) : child);
  }
  return { ...group, children };
}

/** `-amount,name` ⇄ [{ field, desc }]. */
export function parseSort(sort: string | undefined): { field: string; desc: boolean }[] {
  return (sort ?? '')
    .split(',')
    .filter(Boolean)
    .map((s) => (s.startsWith('-') ? { field: s.slice(1), desc: true } : { field: s, desc: false }));
}
