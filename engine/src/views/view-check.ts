import { badRequest, Problem, type FieldError } from '../errors.js';
import type { CompiledObject } from '../metadata/compile.js';
import { parseFilter } from '../query/filter-parser.js';
import { parseSort } from '../query/keyset.js';
import { PathResolver } from '../query/paths.js';
import type { Access } from '../security/access.js';
import { guardedResolver } from '../security/field-guard.js';
import { filterPaths, sortPaths } from './field-refs.js';
import type { ViewDefinition } from './view-input.js';

/**
 * A list view checked against the object and the caller, by the code a list request runs:
 * columns as the list API's `fields` (fields of the object, or one step through a lookup), the
 * filter by the real filter parser, the sort by the real sort parser, all through field-level
 * security, so a field the caller may not read is no field (400 `unknownField`, as one that does
 * not exist). Saving is strict (every error, 400); reading is lenient: what does not hold for the
 * caller now is dropped and reported, never a 500. Private views and, in the runtime metadata,
 * shared ones (visible-metadata.ts) are read this way.
 */

export interface ViewContext {
  object: CompiledObject;
  objects: ReadonlyMap<string, CompiledObject>;
  access: Access;
}

function guardOf(ctx: ViewContext) {
  const paths = new PathResolver(ctx.object, ctx.objects);
  return { paths, resolve: guardedResolver(paths, ctx.access) };
}

/** A parser's 400 as the errors of one part of the view, each placed by `at`. */
function caught(e: unknown, at: (field: string) => string): FieldError[] {
  if (!(e instanceof Problem) || e.status !== 400) throw e;
  const errors: FieldError[] = e.errors.length ? e.errors : [{ field: '', code: 'invalid', message: e.detail }];
  return errors.map((err) => ({ ...err, field: at(err.field) }));
}

export function checkColumn(ctx: ViewContext, column: string, i: number): FieldError[] {
  const { paths, resolve } = guardOf(ctx);
  const [head, tail] = column.split('.');
  const known =
    !!resolve(column) &&
    (tail === undefined ? ctx.object.fields.has(head!) : !!paths.join(head!)?.target.fields.has(tail));
  if (known) return [];
  return [
    {
      field: `/columns/${i}`,
      code: 'unknownField',
      message: `"${column}" is not a field of ${ctx.object.def.apiName}, nor a lookup and a field of its target`,
    },
  ];
}

export function checkFilter(ctx: ViewContext, filter: Record<string, unknown>): FieldError[] {
  try {
    parseFilter(ctx.object, filter, guardOf(ctx).resolve);
    return [];
  } catch (e) {
    // The parser's fields are JSON pointers inside the filter.
    return caught(e, (field) => `/filter${field}`);
  }
}

export function checkSort(ctx: ViewContext, sort: string): FieldError[] {
  try {
    parseSort(ctx.object, sort, guardOf(ctx).resolve);
    return [];
  } catch (e) {
    return caught(e, () => '/sort');
  }
}

/** Saving: every error of the parts given, thrown as one problem. */
export function assertSavable(ctx: ViewContext, parts: Partial<ViewDefinition>): void {
  const errors = [
    ...(parts.columns ?? []).flatMap((c, i) => checkColumn(ctx, c, i)),
    ...(parts.filter ? checkFilter(ctx, parts.filter) : []),
    ...(parts.sort ? checkSort(ctx, parts.sort) : []),
  ];
  if (errors.length) throw badRequest('the saved view names what you cannot list; nothing was saved', errors);
}

/**
 * Reading: the view as it can run now for this caller. A column that no longer resolves is left
 * out; a filter naming anything that fails is left out whole (dropping one condition of an `or`
 * or a `not` would change which records it means); a sort keeps the keys that still work.
 * `removed` are paths whose field was deleted (field-refs.ts).
 */
export function viewAsNow(
  ctx: ViewContext,
  def: ViewDefinition,
  removed: ReadonlySet<string>,
): { def: ViewDefinition; dropped: FieldError[] } {
  const dropped: FieldError[] = [];
  const gone = (field: string, path: string): FieldError => ({
    field,
    code: 'removed',
    message: `the field this view named "${path}" was deleted from ${ctx.object.def.apiName}`,
  });
  const columns = def.columns.filter((column, i) => {
    const error = removed.has(column) ? gone(`/columns/${i}`, column) : checkColumn(ctx, column, i)[0];
    if (error) dropped.push(error);
    return !error;
  });
  const out: ViewDefinition = { columns };
  if (def.filter) {
    const deleted = filterPaths(def.filter).find((p) => removed.has(p));
    const error = deleted ? gone('/filter', deleted) : checkFilter(ctx, def.filter)[0];
    if (error) dropped.push(error);
    else out.filter = def.filter;
  }
  if (def.sort) {
    const keep = def.sort.split(',').filter((part) => {
      const path = sortPaths(part)[0]!;
      const error = removed.has(path) ? gone('/sort', path) : checkSort(ctx, part)[0];
      if (error) dropped.push(error);
      return !error;
    });
    if (keep.length) out.sort = keep.join(',');
  }
  return { def: out, dropped };
}
