import type { FieldProblem } from '@tessera/runtime-ui/api/api-error';
import type { Label } from '@tessera/runtime-ui/api/metadata.api';

/**
 * A list view as the draft holds it (list-view.schema.json), and the pure edits the editor makes
 * on it. The editor keeps no state the draft does not have beyond the unsaved form itself.
 */
export interface DraftListView {
  id?: string;
  apiName: string;
  object: string;
  label: Label;
  columns: string[];
  filter?: Record<string, unknown>;
  sort?: string;
  defaultFor?: string[];
  visibility?: 'shared' | 'private';
  /** Also a board: the picklist whose values make its columns, and the field each column sums. */
  kanban?: { groupBy: string; summary?: string };
}

/** One sort key of `-amount,name`. */
export interface SortKey {
  field: string;
  desc: boolean;
}

/** `-amount,name` → keys; empty or absent → none. */
export function sortKeys(sort: string | undefined): SortKey[] {
  return (sort ?? '')
    .split(',')
    .filter(Boolean)
    .map((s) => (s.startsWith('-') ? { field: s.slice(1), desc: true } : { field: s, desc: false }));
}

/** Keys → `-amount,name`; keys without a field are left out, and no keys is no sort at all. */
export function sortString(keys: SortKey[]): string | undefined {
  const parts = keys.filter((k) => k.field).map((k) => (k.desc ? `-${k.field}` : k.field));
  return parts.length ? parts.join(',') : undefined;
}

/** Columns the view does not show yet, in the order they are offered. */
export function columnsToAdd(available: string[], shown: string[]): string[] {
  const taken = new Set(shown);
  return available.filter((c) => !taken.has(c));
}

/** Moves one column by a step (keyboard-usable "move up/down"), staying inside the list. */
export function moveBy<T>(items: T[], index: number, step: number): T[] {
  const to = Math.min(items.length - 1, Math.max(0, index + step));
  if (to === index) return items;
  const next = [...items];
  const [item] = next.splice(index, 1);
  next.splice(to, 0, item!);
  return next;
}

/** A new view of an object: its name field as the one column, shared. */
export function newListView(object: string, nameField: string, apiName: string, label: string): DraftListView {
  return { apiName, object, label: { en: label }, columns: [nameField], visibility: 'shared' };
}

/**
 * The engine's 422 errors under one JSON pointer (`/columns`, `/widgets/1/metric`), joined for
 * the control that pointer names; `exact` leaves out errors about its parts.
 */
export function errorsAt(error: unknown, pointer: string, exact = false): string | undefined {
  const errors = ((error as { errors?: FieldProblem[] } | null)?.errors ?? []).filter((e) =>
    exact ? e.field === pointer : e.field === pointer || e.field.startsWith(`${pointer}/`),
  );
  return errors.length ? errors.map((e) => e.message).join('; ') : undefined;
}

/** The draft without empty optional parts, so an unset filter or sort is absent rather than invalid. */
export function cleanView(view: DraftListView): DraftListView {
  const out: DraftListView = { ...view };
  if (!out.filter || Object.keys(out.filter).length === 0) delete out.filter;
  if (!out.sort) delete out.sort;
  if (!out.defaultFor?.length) delete out.defaultFor;
  return out;
}

/** The view as a board, or (undefined) no longer one: the property is then absent, not empty. */
export function withKanban(view: DraftListView, kanban: DraftListView['kanban']): DraftListView {
  const { kanban: _old, ...rest } = view;
  return kanban ? { ...rest, kanban } : rest;
}
