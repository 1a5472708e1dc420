import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { ApiError, type FieldProblem } from '../api/api-error';
import { FILTER_OPERATORS } from '../api/field-types.generated';
import type { FilterOperator } from '../api/metadata.api';
import {
  createSavedView,
  deleteSavedView,
  listSavedViews,
  updateSavedView,
  type SavedView,
  type SavedViewInput,
} from '../api/views.api';
import { emptyGroup, newId, toApiFilter, type FilterCondition, type FilterGroup } from './filter-model';

/**
 * Private list views: a user's own filter, sort and columns under a name, stored by the engine
 * (/api/v1/views) so they follow the user to any browser. Shared views (and the per-role
 * defaults) are metadata, published by admins; these need no rights beyond reading the object.
 * Views an earlier version kept in this browser's localStorage move to the server once.
 */
export interface MyView {
  id: string;
  /** The `view=` value in the URL: `my_` and the id (a uuid, so never a shared view's apiName). */
  key: string;
  label: string;
  columns: string[];
  /** The saved filter as the filter builder edits it. */
  filter: FilterGroup;
  /** A saved filter the builder cannot show (made through the API, with `not`): applied as is. */
  baseFilter?: Record<string, unknown>;
  sort?: string;
  /** What the engine left out of the view (deleted or no longer readable fields). */
  dropped: FieldProblem[];
}

/** What a list shows now, to save as a view: columns, the API filter, the sort. */
export interface ListState {
  columns: string[];
  filter: unknown;
  sort?: string;
}

const PREFIX = 'my_';
/** `my_` and a uuid: a shared view's apiName may start with my_, but has no hyphen. */
export const isMyViewKey = (value: string | null | undefined) =>
  !!value && /^my_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

const OPERATORS: ReadonlySet<string> = new Set(FILTER_OPERATORS);
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The filter builder's tree for an API filter, or undefined when the builder cannot show it
 * (`not`, an unknown operator). Reads everything toApiFilter() writes, and the shorthands the API
 * takes: several fields in one object (all hold), several operators on one field, a bare value (eq).
 */
export function fromApiFilter(filter: unknown): FilterGroup | undefined {
  const node = toNode(filter);
  if (!node) return undefined;
  return node.kind === 'group' ? node : { ...emptyGroup('and'), children: [node] };
}

function toNode(filter: unknown): FilterGroup | FilterCondition | undefined {
  if (!isPlainObject(filter)) return undefined;
  const keys = Object.keys(filter);
  const [first] = keys;
  if (keys.length === 1 && (first === 'and' || first === 'or')) {
    const items = filter[first];
    if (!Array.isArray(items) || items.length === 0) return undefined;
    const children = items.map(toNode);
    if (children.some((c) => c === undefined)) return undefined;
    return { kind: 'group', id: newId(), op: first, children: children as (FilterGroup | FilterCondition)[] };
  }
  const children: FilterCondition[] = [];
  for (const field of keys) {
    if (field === 'and' || field === 'or' || field === 'not') return undefined;
    const value = filter[field];
    const conditions = isPlainObject(value) ? value : { eq: value };
    const ops = Object.keys(conditions);
    if (ops.length === 0 || ops.some((op) => !OPERATORS.has(op))) return undefined;
    for (const op of ops)
      children.push({ kind: 'condition', id: newId(), field, operator: op as FilterOperator, value: conditions[op] });
  }
  if (children.length === 0) return undefined;
  return children.length === 1 ? children[0] : { kind: 'group', id: newId(), op: 'and', children };
}

export function toMyView(view: SavedView): MyView {
  const tree = view.filter === undefined ? emptyGroup() : fromApiFilter(view.filter);
  return {
    id: view.id,
    key: PREFIX + view.id,
    label: view.label,
    columns: view.columns,
    filter: tree ?? emptyGroup(),
    ...(tree ? {} : { baseFilter: view.filter }),
    ...(view.sort ? { sort: view.sort } : {}),
    dropped: view.dropped,
  };
}

const byLabel = (views: SavedView[]) =>
  [...views].sort((a, b) => a.label.toLowerCase().localeCompare(b.label.toLowerCase()));

/** The user's private views of an object, and the ways to change them. */
export function useMyViews(userId: string | undefined, object: string) {
  const client = useQueryClient();
  const enabled = !!userId && !!object;
  const queryKey = useMemo(() => ['my-views', userId, object], [userId, object]);
  // The list is read only once this browser's older views have moved: a read racing the move
  // would miss them, and refetching a first read still in flight only joins it.
  const queryFn = async ({ signal }: { signal: AbortSignal }) => {
    await migrateLegacyViews(userId!);
    return listSavedViews(object, signal);
  };
  const query = useQuery({ queryKey, queryFn, enabled, staleTime: 60_000 });
  const views = useMemo(() => (query.data ?? []).map(toMyView), [query.data]);

  const put = (saved: SavedView) =>
    client.setQueryData<SavedView[]>(queryKey, (old = []) => byLabel([...old.filter((v) => v.id !== saved.id), saved]));
  return {
    views,
    /** True while a view named in the URL may still arrive. */
    isPending: enabled && query.isPending,
    async create(label: string, state: ListState): Promise<MyView> {
      const saved = await createSavedView(object, { label, ...asInput(state) });
      put(saved);
      return toMyView(saved);
    },
    /** Saves the list as it is now into the view. */
    async update(id: string, state: ListState): Promise<void> {
      put(await updateSavedView(object, id, asInput(state)));
    },
    async rename(id: string, label: string): Promise<void> {
      put(await updateSavedView(object, id, { label }));
    },
    async remove(id: string): Promise<void> {
      await deleteSavedView(object, id);
      client.setQueryData<SavedView[]>(queryKey, (old = []) => old.filter((v) => v.id !== id));
    },
  };
}

const asInput = (state: ListState): SavedViewInput => ({
  columns: state.columns,
  filter: state.filter ?? null,
  sort: state.sort ?? null,
});

/** Views as the browser-only version kept them: tessera.views.<userId>.<object>. */
interface LegacyView {
  label: string;
  filter: FilterGroup;
  sort?: string;
  columns: string[];
}

const isLegacyView = (value: unknown): value is LegacyView => {
  const v = value as Partial<LegacyView> | null;
  return !!v && typeof v.label === 'string' && Array.isArray(v.columns) && v.filter?.kind === 'group';
};

const legacyPrefix = (userId: string) => `tessera.views.${userId}.`;
const migrations = new Map<string, Promise<void>>();

/**
 * Moves the views this browser still keeps for the user to the server, once per page load, and
 * forgets them here. A view the server refuses for good (its name is taken — most likely by
 * itself, moved from another tab —, its object or fields are gone) is dropped; one that failed
 * for a passing reason (network, 5xx, signed out) stays for the next load.
 */
function migrateLegacyViews(userId: string): Promise<void> {
  let running = migrations.get(userId);
  if (!running) {
    running = moveLegacyViews(userId).catch(() => undefined);
    migrations.set(userId, running);
  }
  return running;
}

async function moveLegacyViews(userId: string): Promise<void> {
  const prefix = legacyPrefix(userId);
  const keys = Object.keys(localStorage).filter((k) => k.startsWith(prefix));
  for (const key of keys) {
    const object = key.slice(prefix.length);
    let views: LegacyView[];
    try {
      const value: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
      views = Array.isArray(value) ? value.filter(isLegacyView) : [];
    } catch {
      views = [];
    }
    const kept: LegacyView[] = [];
    for (const view of views) {
      try {
        await createSavedView(object, {
          label: view.label.trim().slice(0, 80) || 'View',
          columns: view.columns,
          filter: toApiFilter(view.filter) ?? null,
          sort: view.sort || null,
        });
      } catch (e) {
        const status = e instanceof ApiError ? e.status : 0;
        if (status === 401) return; // signed out: everything stays for next time
        if (status < 400 || status >= 500 || status === 429) kept.push(view);
      }
    }
    if (kept.length) localStorage.setItem(key, JSON.stringify(kept));
    else localStorage.removeItem(key);
  }
}
