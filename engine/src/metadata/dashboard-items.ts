import type { ErrorCode, FieldError } from '../errors.js';
import { aggregateApplies, factsOf, fieldType } from '../fields/index.js';
import { compiledDraftObjects } from './compiled-draft.js';
import type { QueryChecks } from './query-checks.js';
import { pointer } from './view-items.js';
import { newItemId } from '../lib/ids.js';
import type { DashboardDef, ObjectDef } from './types.js';

/**
 * Dashboards: what a JSON Schema cannot check about them. Every widget must be an aggregate the
 * records API would answer (object, metric, groupBy and filter as GET …/aggregate takes them), so a
 * published dashboard never draws an error. The shape is checked by dashboard.schema.json.
 */

export function normalizeDashboard(input: DashboardDef, existing?: DashboardDef): DashboardDef {
  const dashboard: DashboardDef = structuredClone(input);
  dashboard.id ??= existing?.id ?? newItemId('dsh');
  if (Array.isArray(dashboard.widgets)) {
    dashboard.widgets = dashboard.widgets.map((w) =>
      w && typeof w === 'object' ? { ...w, id: w.id ?? newItemId('wdg') } : w,
    );
  }
  return dashboard;
}

export function dashboardErrors(
  dashboard: DashboardDef,
  objects: ReadonlyMap<string, ObjectDef>,
  checks: QueryChecks,
): FieldError[] {
  const errors: FieldError[] = [];
  dashboard.widgets.forEach((w, i) => {
    const at = `/widgets/${i}`;
    const err = (path: string, code: ErrorCode, message: string) =>
      errors.push({ field: `${at}${path}`, code, message });
    const object = objects.get(w.object);
    if (!object) return err('/object', 'reference', `object "${w.object}" does not exist`);
    const field = (name: string) => object.fields.find((f) => f.apiName === name);

    const [fn, metricField] = w.metric.split(':');
    if (metricField !== undefined) {
      const f = field(metricField);
      if (!f) err('/metric', 'reference', `"${metricField}" is not a field of ${w.object}`);
      else if (!aggregateApplies(fn!, f)) err('/metric', 'type', `${fn} does not apply to ${f.type} fields`);
    }

    if (w.groupBy === undefined) {
      if (w.type !== 'metric') err('/groupBy', 'required', `a ${w.type} chart needs groupBy`);
    } else {
      const [name, bucket] = w.groupBy.split(':');
      const f = field(name!);
      if (!f) err('/groupBy', 'reference', `"${name}" is not a field of ${w.object}`);
      else if (!factsOf(f).groupable) err('/groupBy', 'type', `${f.type} fields cannot be grouped`);
      else if (bucket !== undefined && !factsOf(f).temporal)
        err('/groupBy', 'bucket', 'only date fields take a bucket');
    }

    if (w.dateField !== undefined) {
      const f = field(w.dateField);
      if (!f) err('/dateField', 'reference', `"${w.dateField}" is not a field of ${w.object}`);
      // The period is a date literal ("this_month"), which the filter parser takes on a field of
      // a date type itself (not a formula giving one).
      else if (!fieldType(f).value?.temporal)
        err('/dateField', 'type', 'the period filter applies to a date or date-time field');
    }

    if (w.filter !== undefined) {
      // Checked exactly as the aggregate API will parse it, against the same compiled object.
      const compiled = compiledDraftObjects(objects, [w.object]).get(w.object);
      if (!compiled)
        return err('/object', 'invalid', `object "${w.object}" is not valid itself, so the filter cannot be checked`);
      for (const fe of checks.filterErrors(compiled, w.filter)) err(`/filter${pointer(fe.field)}`, fe.code, fe.message);
    }
  });
  return errors;
}
