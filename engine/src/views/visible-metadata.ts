import type { FieldError } from '../errors.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import { runtimeView, type RuntimeView } from '../metadata/runtime-view.js';
import { layoutsOfRole } from '../metadata/layout-rules.js';
import type { DashboardDef, DashboardWidgetDef, LayoutDef, ListViewDef } from '../metadata/types.js';
import { checkFilter, viewAsNow, type ViewContext } from './view-check.js';
import type { Access } from '../security/access.js';
import { readableField } from '../security/field-guard.js';

/**
 * The runtime metadata (metadata/runtime-view.ts) as one caller may see it, for
 * GET /api/v1/meta/runtime. It names nothing the caller may not see: only objects they may read
 * or create and the fields they may read; layouts without the other fields (related lists of
 * objects they may read); list views of objects they may read, each as it can run for them — a
 * column, sort key or filter naming a field they may not read (own or through a lookup) is left
 * out and listed in `dropped`, checked by the code that reads private views (views/view-check.ts);
 * dashboard widgets the aggregate API would answer them; `defaultFor` only their own role.
 * Remembered per release and combination of grants, like the grants themselves.
 */

export function runtimeViewFor(compiled: CompiledMetadata, access: Access): RuntimeView {
  const full = runtimeView(compiled);
  const key = accessKey(access);
  let byKey = trimmed.get(compiled);
  if (!byKey) trimmed.set(compiled, (byKey = new Map<string, RuntimeView>()));
  const cached = byKey.get(key);
  if (cached) return cached;
  const layouts = layoutsOfRole(full.layouts as LayoutDef[], access.principal.role ?? undefined);
  if (access.isAdmin) {
    const view = Object.freeze({ ...full, layouts });
    byKey.set(key, view);
    return view;
  }
  const objects = (full.objects as { apiName: string; fields: RuntimeField[] }[])
    .filter((o) => access.sees(o.apiName))
    .map((o) => ({
      ...o,
      fields: o.fields
        .filter((f) => access.canReadField(o.apiName, f.apiName))
        .map((f) => withoutHiddenChild(f, compiled, access)),
    }));
  const view: RuntimeView = Object.freeze({
    release: full.release,
    objects,
    layouts: layouts.filter((l) => access.sees(l.object)).map((l) => layoutFor(l, compiled, access)),
    listViews: (full.listViews as ListViewDef[])
      .filter((v) => access.can(v.object, 'read'))
      .map((v) => listViewFor(v, compiled, access)),
    dashboards: (full.dashboards as DashboardDef[])
      .map((d) => ({ ...d, widgets: d.widgets.filter((w) => widgetVisible(w, compiled, access)) }))
      .filter((d) => d.widgets.length > 0),
    actions: full.actions.filter((a) => access.sees(a.object)),
  });
  byKey.set(key, view);
  return view;
}

const trimmed = new WeakMap<CompiledMetadata, Map<string, RuntimeView>>();

/**
 * What the trimmed view depends on: the caller's permission sets, and their role (the layout
 * they see, list views' defaultFor). Admins see everything but the other roles' layouts.
 */
export const accessKey = (access: Access): string =>
  `${access.isAdmin ? 'admin' : [...access.principal.permissionSets].sort().join(',')}|${access.principal.role ?? ''}`;

type RuntimeField = { apiName: string; child?: string; relationField?: string; field?: string };

/** A rollup names its child object and two of the child's fields: only those the caller may see. */
function withoutHiddenChild(field: RuntimeField, compiled: CompiledMetadata, access: Access): RuntimeField {
  if (field.child === undefined) return field;
  const { child, relationField, field: summed, ...rest } = field;
  const target = compiled.objects.get(child);
  if (!target || !access.sees(child)) return rest;
  const shown = (f: string | undefined) => f !== undefined && !!readableField(target, f, access);
  return {
    ...rest,
    child,
    ...(shown(relationField) ? { relationField } : {}),
    ...(shown(summed) ? { field: summed } : {}),
  };
}

function contextOf(object: string, compiled: CompiledMetadata, access: Access): ViewContext {
  return { object: compiled.objects.get(object)!, objects: compiled.objects, access };
}

function layoutFor(layout: LayoutDef, compiled: CompiledMetadata, access: Access): LayoutDef {
  const object = compiled.objects.get(layout.object)!;
  const fieldsOf = (names: string[]) => names.filter((name) => readableField(object, name, access));
  const relatedLists = layout.relatedLists?.flatMap((list) => {
    const child = compiled.objects.get(list.object);
    if (!child || !access.can(list.object, 'read') || !readableField(child, list.field, access)) return [];
    const columns = list.columns.filter((name) => readableField(child, name, access));
    return columns.length ? [{ ...list, columns }] : [];
  });
  return {
    ...layout,
    ...(layout.highlights ? { highlights: fieldsOf(layout.highlights) } : {}),
    // A section left without fields is left out; one that had none stays as the admin made it.
    sections: layout.sections
      .map((s) => ({ ...s, fields: fieldsOf(s.fields) }))
      .filter((s, i) => s.fields.length > 0 || layout.sections[i]!.fields.length === 0),
    ...(relatedLists ? { relatedLists } : {}),
    // Rules of fields the caller may not read go with those fields.
    ...(layout.fieldRules
      ? {
          fieldRules: Object.fromEntries(
            Object.entries(layout.fieldRules).filter(([name]) => readableField(object, name, access)),
          ),
        }
      : {}),
  };
}

/** A shared list view as it can run for the caller, with what was left out in `dropped`. */
function listViewFor(
  view: ListViewDef,
  compiled: CompiledMetadata,
  access: Access,
): ListViewDef & { dropped?: FieldError[] } {
  const { filter, sort, defaultFor, kanban, ...rest } = view;
  // A board over a field the caller may not read is no board for them; an unreadable total is left out.
  const object = compiled.objects.get(view.object)!;
  const board =
    kanban && readableField(object, kanban.groupBy, access)
      ? kanban.summary === undefined || readableField(object, kanban.summary, access)
        ? kanban
        : { groupBy: kanban.groupBy }
      : undefined;
  const now = viewAsNow(
    contextOf(view.object, compiled, access),
    {
      columns: view.columns,
      ...(filter ? { filter: filter as Record<string, unknown> } : {}),
      ...(sort ? { sort } : {}),
    },
    new Set(),
  );
  const role = access.principal.role;
  return {
    ...rest,
    ...(board ? { kanban: board } : {}),
    ...now.def,
    ...(role && defaultFor?.includes(role) ? { defaultFor: [role] } : {}),
    ...(now.dropped.length ? { dropped: now.dropped.map(withoutNames) } : {}),
  };
}

/**
 * A private view's `dropped` entry echoes the names its owner saved; a shared view's must not name
 * what the caller may not read: a filter is dropped whole, so its pointer stops at /filter.
 */
const withoutNames = (e: FieldError): FieldError => ({
  field: e.field.startsWith('/filter') ? '/filter' : e.field,
  code: e.code,
  message: 'left out: it names a field you may not read',
});

/** A widget shows only what the aggregate API would answer the caller (object and every field readable). */
function widgetVisible(widget: DashboardWidgetDef, compiled: CompiledMetadata, access: Access): boolean {
  if (!access.can(widget.object, 'read')) return false;
  const object = compiled.objects.get(widget.object)!;
  const fields = [widget.metric.split(':')[1], widget.groupBy?.split(':')[0], widget.dateField];
  if (fields.some((name) => name !== undefined && !readableField(object, name, access))) return false;
  return (
    !widget.filter ||
    checkFilter(contextOf(widget.object, compiled, access), widget.filter as Record<string, unknown>).length === 0
  );
}
