import type { FieldError } from '../errors.js';
import { aggregateApplies, fieldType } from '../fields/index.js';
import { compiledDraftObjects } from './compiled-draft.js';
import { layoutRuleErrors } from './layout-rules.js';
import type { QueryChecks } from './query-checks.js';
import type { LayoutDef, ListViewDef, ObjectDef } from './types.js';

/** Checks of layouts and list views that span items: the object and the fields they show exist. */

function viewFieldErrors(
  path: string,
  names: string[],
  object: ObjectDef,
  objects: ReadonlyMap<string, ObjectDef>,
): FieldError[] {
  const errors: FieldError[] = [];
  names.forEach((name, i) => {
    const [head, tail] = name.split('.');
    const field = object.fields.find((f) => f.apiName === head);
    if (!field) {
      errors.push({
        field: `${path}/${i}`,
        code: 'reference',
        message: `"${head}" is not a field of ${object.apiName}`,
      });
    } else if (tail !== undefined) {
      const target = field.target ? objects.get(field.target) : undefined;
      if (!target || !target.fields.some((f) => f.apiName === tail)) {
        errors.push({
          field: `${path}/${i}`,
          code: 'reference',
          message: `"${name}" does not name a field through a lookup`,
        });
      }
    }
  });
  return errors;
}

/** Checks of a layout beyond its schema and name (kinds.ts runs those). */
export function validateLayout(
  layout: LayoutDef,
  objects: Map<string, ObjectDef>,
  roles: readonly { apiName: string }[] = [],
): FieldError[] {
  const errors: FieldError[] = [];
  (layout.roles ?? []).forEach((role, i) => {
    if (!roles.some((r) => r.apiName === role))
      errors.push({ field: `/roles/${i}`, code: 'reference', message: `role "${role}" does not exist` });
  });
  const object = objects.get(layout.object);
  if (!object)
    return [...errors, { field: '/object', code: 'reference', message: `object "${layout.object}" does not exist` }];
  errors.push(...viewFieldErrors('/highlights', layout.highlights ?? [], object, objects));
  layout.sections.forEach((s, i) =>
    errors.push(...viewFieldErrors(`/sections/${i}/fields`, s.fields, object, objects)),
  );
  errors.push(...layoutRuleErrors(layout, object));
  (layout.relatedLists ?? []).forEach((r, i) => {
    const child = objects.get(r.object);
    const link = child?.fields.find((f) => f.apiName === r.field);
    if (!child || !link || link.target !== layout.object) {
      errors.push({
        field: `/relatedLists/${i}`,
        code: 'reference',
        message: `${r.object}.${r.field} is not a lookup to ${layout.object}`,
      });
    } else {
      errors.push(...viewFieldErrors(`/relatedLists/${i}/columns`, r.columns, child, objects));
    }
  });
  return errors;
}

/** Checks of a list view beyond its schema and name (kinds.ts runs those). */
export function validateListView(
  view: ListViewDef,
  objects: ReadonlyMap<string, ObjectDef>,
  checks: QueryChecks,
): FieldError[] {
  const object = objects.get(view.object);
  if (!object) return [{ field: '/object', code: 'reference', message: `object "${view.object}" does not exist` }];
  const errors = viewFieldErrors('/columns', view.columns, object, objects);
  if (view.kanban) errors.push(...kanbanErrors(view.kanban, object));
  if (view.sort === undefined && view.filter === undefined) return errors;
  // Sort and filter go through the list API's own parsers, paths through lookups included, so a
  // view that saves is a view every user can open (field permissions aside: they are per user).
  const compiled = compiledDraftObjects(objects, [
    object.apiName,
    ...object.fields.flatMap((f) => (f.target ? [f.target] : [])),
  ]);
  const own = compiled.get(object.apiName);
  if (!own)
    return [
      ...errors,
      {
        field: '/object',
        code: 'invalid',
        message: `object "${view.object}" is not valid itself, so the sort and filter cannot be checked`,
      },
    ];
  if (view.sort !== undefined)
    errors.push(...checks.sortErrors(own, view.sort, compiled).map((e) => ({ ...e, field: '/sort' })));
  if (view.filter !== undefined)
    errors.push(
      ...checks.filterErrors(own, view.filter, compiled).map((e) => ({ ...e, field: `/filter${pointer(e.field)}` })),
    );
  return errors;
}

/**
 * A board groups by one choice per record (a picklist's values, not a multi-select's) and sums a
 * field the aggregate API can sum, so a board that saves is a board the kanban page can draw.
 */
function kanbanErrors(kanban: NonNullable<ListViewDef['kanban']>, object: ObjectDef): FieldError[] {
  const errors: FieldError[] = [];
  const field = (name: string) => object.fields.find((f) => f.apiName === name);
  const by = field(kanban.groupBy);
  if (!by)
    errors.push({
      field: '/kanban/groupBy',
      code: 'reference',
      message: `"${kanban.groupBy}" is not a field of ${object.apiName}`,
    });
  else if (!Array.isArray(by.values) || fieldType(by).multiValued)
    errors.push({ field: '/kanban/groupBy', code: 'type', message: 'a board groups by a single-choice picklist' });
  if (kanban.summary !== undefined) {
    const summary = field(kanban.summary);
    if (!summary)
      errors.push({
        field: '/kanban/summary',
        code: 'reference',
        message: `"${kanban.summary}" is not a field of ${object.apiName}`,
      });
    else if (!aggregateApplies('sum', summary))
      errors.push({ field: '/kanban/summary', code: 'type', message: `${summary.type} fields cannot be summed` });
  }
  return errors;
}

/** A JSON pointer's own part ('' for an error about the whole part). */
export const pointer = (field: string) => (field.startsWith('/') ? field : '');
