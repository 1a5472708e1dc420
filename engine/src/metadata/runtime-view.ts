import type { CompiledMetadata } from './compile.js';
import { isManualTrigger, type FieldDef } from './types.js';

/**
 * What the runtime UI needs of the current release to draw its screens: objects and fields with
 * what the engine allows on each (filter operators, sorting, read-only, default widget), layouts,
 * list views, dashboards and the manual workflows' buttons. Rule conditions, formula expressions and sharing settings stay on
 * the server. Built once per release and shared by every request (never copied per request);
 * views/visible-metadata.ts trims it to what one caller may see.
 */

const SERVER_ONLY: readonly (keyof FieldDef)[] = ['expression', 'filter', 'description'];

export interface RuntimeView {
  release: number;
  objects: unknown[];
  layouts: unknown[];
  listViews: unknown[];
  dashboards: unknown[];
  /** Active manual workflows, the buttons of record pages and list rows: { apiName, label, object }. */
  actions: { apiName: string; label: unknown; object: string }[];
}

const views = new WeakMap<CompiledMetadata, RuntimeView>();

export function runtimeView(compiled: CompiledMetadata): RuntimeView {
  const cached = views.get(compiled);
  if (cached) return cached;
  const { snapshot } = compiled;
  const view: RuntimeView = Object.freeze({
    release: compiled.release,
    objects: [...compiled.objects.values()].map(({ def, fields, approvals }) => ({
      id: def.id,
      apiName: def.apiName,
      label: def.label,
      pluralLabel: def.pluralLabel,
      nameField: def.nameField,
      ...(def.icon ? { icon: def.icon } : {}),
      // An active approval process covers its records: the record page offers submitting them.
      approvals,
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
    actions: (snapshot.workflows ?? [])
      .filter((w) => w.active !== false && isManualTrigger(w.trigger))
      .map((w) => ({ apiName: w.apiName, label: w.label, object: w.object })),
  });
  views.set(compiled, view);
  return view;
}
