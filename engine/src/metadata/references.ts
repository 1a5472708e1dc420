import { renameLogic } from './logic-rename.js';
import { hasComputedDefault } from '../fields/index.js';
import type { DashboardDef, FieldDef, LayoutDef, ListViewDef, ObjectDef } from './types.js';

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

  const objects = deps.objects.map((o) => followInObject(o, before.apiName, after.apiName, renamed));

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

/**
 * Another object's lookups to the changed object, and its rollups over it: the child object's
 * name, and the child fields they read (relation, aggregated field, filter), follow.
 */
function followInObject(o: ObjectDef, from: string, to: string, renamed: Map<string, string>): ObjectDef {
  let changed = false;
  const fields = o.fields.map((f) => {
    const next = { ...f };
    if (f.target === from) next.target = to;
    if (f.child === from) Object.assign(next, followRollup(f, to, renamed));
    if (JSON.stringify(next) === JSON.stringify(f)) return f;
    changed = true;
    return next;
  });
  return changed ? { ...o, fields } : o;
}

function followRollup(f: FieldDef, child: string, renamed: ReadonlyMap<string, string>): Partial<FieldDef> {
  return {
    child,
    ...(f.relationField !== undefined ? { relationField: renamed.get(f.relationField) ?? f.relationField } : {}),
    ...(f.field !== undefined ? { field: renamed.get(f.field) ?? f.field } : {}),
    ...(f.filter !== undefined ? { filter: renameFilterKeys(f.filter, renamed) } : {}),
  };
}

/**
 * The object's own references to its renamed fields: the name field, formulas, computed
 * defaults, validation rules (condition and error field), sharing rule criteria and rollups over
 * itself. An admin renames a field in one step, as in Salesforce, instead of being refused until
 * every rule naming it is edited. A name that is still a field after the save (two fields
 * swapping names) is left as written: which field it meant cannot be told.
 */
export function followOwnFields(before: ObjectDef | undefined, after: ObjectDef): ObjectDef {
  if (!before) return after;
  const current = new Set(after.fields.map((f) => f.apiName));
  const renamed = new Map([...renameMap(before, after).renamed].filter(([from]) => !current.has(from)));
  if (!renamed.size) return after;
  const name = (n: string) => renamed.get(n) ?? n;
  const next: ObjectDef = {
    ...after,
    nameField: name(after.nameField),
    fields: after.fields.map((f) => {
      const field = { ...f };
      if (f.expression !== undefined) field.expression = renameLogic(f.expression, renamed);
      if (hasComputedDefault(f)) field.default = { ...f.default, formula: renameLogic(f.default.formula, renamed) };
      if (f.child === before.apiName) Object.assign(field, followRollup(f, after.apiName, renamed));
      return field;
    }),
  };
  if (after.validationRules)
    next.validationRules = after.validationRules.map((r) => ({
      ...r,
      condition: renameLogic(r.condition, renamed),
      ...(r.errorField !== undefined ? { errorField: name(r.errorField) } : {}),
    }));
  if (after.sharing?.rules)
    next.sharing = {
      ...after.sharing,
      rules: after.sharing.rules.map((r) => ({ ...r, criteria: renameLogic(r.criteria, renamed) })),
    };
  return next;
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
