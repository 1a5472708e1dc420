import type { Access } from '../security/access.js';
import type { CompiledMetadata } from './compile.js';
import type { FieldDef } from './types.js';

/**
 * What the runtime UI needs of the current release to draw its screens: objects and fields with
 * what the engine allows on each (filter operators, sorting, read-only, default widget), layouts,
 * list views and dashboards. Rule conditions, formula expressions and sharing settings stay on
 * the server. Built once per release and shared by every request (never copied per request).
 */

const SERVER_ONLY: readonly (keyof FieldDef)[] = ['expression', 'filter', 'description'];

export interface RuntimeView {
  release: number;
  objects: unknown[];
  layouts: unknown[];
  listViews: unknown[];
  dashboards: unknown[];
}

const views = new WeakMap<CompiledMetadata, RuntimeView>();

export function runtimeView(compiled: CompiledMetadata): RuntimeView {
  const cached = views.get(compiled);
  if (cached) return cached;
  const { snapshot } = compiled;
  const view: RuntimeView = Object.freeze({
    release: compiled.release,
    objects: [...compiled.objects.values()].map(({ def, fields }) => ({
      id: def.id,
      apiName: def.apiName,
      label: def.label,
      pluralLabel: def.pluralLabel,
      nameField: def.nameField,
      ...(def.icon ? { icon: def.icon } : {}),
      fields: [...fields.values()].map((f) => {
        const shown: Record<string, unknown> = { ...f.def };
        for (const key of SERVER_ONLY) delete shown[key];
        return {
          ...shown,
          operators: f.operators,
          sortable: f.type.sortable,
          readOnly: !!f.type.readOnly,
          widget: f.type.widget,
          // A computed field's values are shown as those of its value type, even when its
          // definition leaves the return type to its default.
          ...(f.type.valueType ? { returnType: f.type.valueType(f.def) } : {}),
        };
      }),
    })),
    layouts: snapshot.layouts,
    listViews: snapshot.listViews,
    dashboards: snapshot.dashboards ?? [],
  });
  views.set(compiled, view);
  return view;
}

/**
 * The view as one caller may see it: only objects they may read or create, only the fields they
 * may read, and the layouts, list views and dashboards of those objects. Remembered per release
 * and combination of grants, like the grants themselves.
 */
export function runtimeViewFor(compiled: CompiledMetadata, access: Access): RuntimeView {
  const full = runtimeView(compiled);
  if (access.isAdmin) return full;
  const key = accessKey(access);
  let byKey = trimmed.get(compiled);
  if (!byKey) trimmed.set(compiled, (byKey = new Map()));
  const cached = byKey.get(key);
  if (cached) return cached;
  const visible = (object: string) => access.can(object, 'read') || access.can(object, 'create');
  const objects = (full.objects as { apiName: string; fields: { apiName: string }[] }[])
    .filter((o) => visible(o.apiName))
    .map((o) => ({ ...o, fields: o.fields.filter((f) => access.canReadField(o.apiName, f.apiName)) }));
  const ofVisible = (items: unknown[]) => items.filter((i) => visible((i as { object: string }).object));
  // A widget shows only what the aggregate API would answer this caller (object and fields readable).
  const fieldOf = (spec: string | undefined, at: number) => spec?.split(':')[at];
  const widgetVisible = (w: { object: string; metric: string; groupBy?: string }) =>
    access.can(w.object, 'read') &&
    [fieldOf(w.metric, 1), fieldOf(w.groupBy, 0)].every((f) => f === undefined || access.canReadField(w.object, f));
  const dashboards = (full.dashboards as { widgets: { object: string; metric: string; groupBy?: string }[] }[])
    .map((d) => ({ ...d, widgets: d.widgets.filter(widgetVisible) }))
    .filter((d) => d.widgets.length > 0);
  const view: RuntimeView = Object.freeze({
    release: full.release,
    objects,
    layouts: ofVisible(full.layouts),
    listViews: ofVisible(full.listViews),
    dashboards,
  });
  byKey.set(key, view);
  return view;
}

const trimmed = new WeakMap<CompiledMetadata, Map<string, RuntimeView>>();

/** What the trimmed view depends on: the caller's permission sets (admins see everything). */
export const accessKey = (access: Access): string =>
  access.isAdmin ? 'admin' : [...access.principal.permissionSets].sort().join(',');
