import { renameLogic } from './logic-rename.js';
import type { DashboardDef, LayoutDef, ListViewDef, ObjectDef } from './types.js';

/**
 * When an object is saved, the items that name it or its fields follow: a renamed field is
 * renamed in layouts, list views, dashboards and lookups elsewhere; a deleted field leaves them
 * (a dashboard widget that measured, grouped or filtered by it goes with it). This is what
 * lets an admin rename or delete a field in one step, as in Salesforce. Pure.
 */

export interface Dependents {
  objects: ObjectDef[];
  layouts: LayoutDef[];
  listViews: ListViewDef[];
  dashboards?: DashboardDef[];
}

export function renameMap(before: ObjectDef, after: ObjectDef): { renamed: Map<string, string>; removed: Set<string> } {
  const now = new Map(after.fields.map((f) => [f.id, f.apiName]));
  const renamed = new Map<string, string>();
  const removed = new Set<string>();
  for (const f of before.fields) {
    const name = now.get(f.id);
    if (name === undefined) removed.add(f.apiName);
    else if (name !== f.apiName) renamed.set(f.apiName, name);
  }
  return { renamed, removed };
}

/** Maps a list of field names: renamed ones get their new name, removed ones are dropped. */
function names(list: string[], renamed: Map<string, string>, removed: Set<string>): string[] {
  return list
    .filter((n) => !removed.has(n.split('.')[0]!))
    .map((n) => {
      const [head, ...rest] = n.split('.');
      return [renamed.get(head!) ?? head, ...rest].join('.');
    });
}

export function renameFilterKeys(filter: unknown, renamed: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(filter)) return filter.map((f) => renameFilterKeys(f, renamed));
  if (!filter || typeof filter !== 'object') return filter;
  return Object.fromEntries(
    Object.entries(filter).map(([k, v]) => [
      renamed.get(k) ?? k,
      k === 'and' || k === 'or' || k === 'not' ? renameFilterKeys(v, renamed) : v,
    ]),
  );
}

function renameSort(sort: string | undefined, renamed: Map<string, string>, removed: Set<string>): string | undefined {
  if (!sort) return sort;
  const keys = sort
    .split(',')
    .filter((k) => !removed.has(k.replace(/^-/, '')))
    .map((k) => (k.startsWith('-') ? `-${renamed.get(k.slice(1)) ?? k.slice(1)}` : (renamed.get(k) ?? k)));
  return keys.length ? keys.join(',') : undefined;
}

/** The dependents as they must be after `before` became `after` (undefined `before`: nothing to do). */
export function followObjectChange(deps: Dependents, before: ObjectDef | undefined, after: ObjectDef): Dependents {
  if (!before) return deps;
  const { renamed, removed } = renameMap(before, after);
  const objectRenamed = before.apiName !== after.apiName;
  if (!renamed.size && !removed.size && !objectRenamed) return deps;
  const own = (object: string) => object === before.apiName;
  const objectName = (object: string) => (own(object) ? after.apiName : object);

  const objects = deps.objects.map((o) =>
    objectRenamed && o.fields.some((f) => f.target === before.apiName)
      ? { ...o, fields: o.fields.map((f) => (f.target === before.apiName ? { ...f, target: after.apiName } : f)) }
      : o,
  );

  const layouts = deps.layouts.map((l) => {
    const mine = own(l.object);
    const next: LayoutDef = { ...l, object: objectName(l.object) };
    if (mine) {
      if (l.highlights) next.highlights = names(l.highlights, renamed, removed);
      next.sections = l.sections.map((s) => ({
        ...s,
        fields: names(s.fields, renamed, removed),
        ...(s.visibleWhen !== undefined ? { visibleWhen: renameLogic(s.visibleWhen, renamed) } : {}),
      }));
      // Rules go with their field (renamed, or gone with it); the fields they read are renamed,
      // and a deleted one stays named, so the layout is refused saying where rather than run
      // a rule with a piece silently missing (as workflows do).
      if (l.fieldRules)
        next.fieldRules = Object.fromEntries(
          Object.entries(l.fieldRules)
            .filter(([name]) => !removed.has(name))
            .map(([name, rules]) => [
              renamed.get(name) ?? name,
              Object.fromEntries(Object.entries(rules).map(([k, v]) => [k, renameLogic(v, renamed)])),
            ]),
        );
    }
    if (l.relatedLists) {
      next.relatedLists = l.relatedLists
        .filter((r) => !(own(r.object) && removed.has(r.field)))
        .map((r) =>
          own(r.object)
            ? {
                ...r,
                object: after.apiName,
                field: renamed.get(r.field) ?? r.field,
                columns: names(r.columns, renamed, removed),
              }
            : r,
        );
    }
    return next;
  });

  const listViews = deps.listViews.map((v) => {
    if (!own(v.object)) return v;
    const next: ListViewDef = { ...v, object: after.apiName, columns: names(v.columns, renamed, removed) };
    const sort = renameSort(v.sort, renamed, removed);
    if (sort) next.sort = sort;
    else delete next.sort;
    if (v.filter !== undefined) next.filter = renameFilterKeys(v.filter, renamed);
    return next;
  });
  const dashboards = deps.dashboards?.map((d) => followInDashboard(d, own, after.apiName, renamed, removed));
  return { objects, layouts, listViews, ...(dashboards ? { dashboards } : {}) };
}

/** `sum:amount`, `close_date:month`: the field part renamed. */
const renamePart = (text: string, at: 0 | 1, renamed: Map<string, string>) => {
  const parts = text.split(':');
  if (parts[at] === undefined) return text;
  parts[at] = renamed.get(parts[at]) ?? parts[at];
  return parts.join(':');
};

function filterKeys(filter: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(filter)) filter.forEach((f) => filterKeys(f, out));
  else if (filter && typeof filter === 'object') {
    for (const [k, v] of Object.entries(filter)) {
      if (k === 'and' || k === 'or' || k === 'not') filterKeys(v, out);
      else out.add(k.split('.')[0]!);
    }
  }
  return out;
}

function followInDashboard(
  d: DashboardDef,
  own: (object: string) => boolean,
  newName: string,
  renamed: Map<string, string>,
  removed: Set<string>,
): DashboardDef {
  if (!d.widgets.some((w) => own(w.object))) return d;
  const widgets = d.widgets.flatMap((w) => {
    if (!own(w.object)) return [w];
    const used = [w.metric.split(':')[1], w.groupBy?.split(':')[0], w.dateField, ...filterKeys(w.filter)];
    if (used.some((name) => name !== undefined && removed.has(name))) return [];
    const next = { ...w, object: newName, metric: renamePart(w.metric, 1, renamed) };
    if (w.groupBy) next.groupBy = renamePart(w.groupBy, 0, renamed);
    if (w.dateField) next.dateField = renamed.get(w.dateField) ?? w.dateField;
    if (w.filter !== undefined) next.filter = renameFilterKeys(w.filter, renamed);
    return [next];
  });
  return { ...d, widgets };
}
