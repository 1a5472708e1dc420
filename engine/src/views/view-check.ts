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
 * A saved view checked against the object and the caller, by the code a list request runs:
 * columns as the list API's `fields` (fields of the object, or one step through a lookup), the
 * filter by the real filter parser, the sort by the real sort parser, all through field-level
 * security. Saving is strict (every error, 400, or 403 when a named field is not readable);
 * reading is lenient: what no longer holds is dropped and reported, never a 500.
 */

export interface ViewContext {
  object: CompiledObject;
  objects: ReadonlyMap<string, CompiledObject>;
  access: Access;
}

interface Checked {
  errors: FieldError[];
  /** An error came from field-level or object security (403) rather than from the names (400). */
  forbidden: boolean;
}

const none: Checked = { errors: [], forbidden: false };

function guardOf(ctx: ViewContext) {
  const paths = new PathResolver(ctx.object, ctx.objects);
  return { paths, resolve: guardedResolver(paths, ctx.access) };
}

/** The problem answer for errors from several parts: 403 when any is a permission, else 400. */
function caught(e: unknown, at: (field: string) => string): Checked {
  if (!(e instanceof Problem) || (e.status !== 400 && e.status !== 403)) throw e;
  const errors: FieldError[] = e.errors.length ? e.errors : [{ field: '', code: 'invalid', message: e.detail }];
  return { errors: errors.map((err) => ({ ...err, field: at(err.field) })), forbidden: e.status === 403 };
}

export function checkColumn(ctx: ViewContext, column: string, i: number): Checked {
  const { paths, resolve } = guardOf(ctx);
  const field = `/columns/${i}`;
  try {
    const resolved = resolve(column);
    const [head, tail] = column.split('.');
    const known =
      tail === undefined ? ctx.object.fields.has(head!) : !!resolved && !!paths.join(head!)?.target.fields.has(tail);
    if (!known)
      return {
        errors: [
          {
            field,
            code: 'unknownField',
            message: `"${column}" is not a field of ${ctx.object.def.apiName}, nor a lookup and a field of its target`,
          },
        ],
        forbidden: false,
      };
    return none;
  } catch (e) {
    return caught(e, () => field);
  }
}

/** JSON pointer to the first condition on `path` in the filter: where a permission error belongs. */
function pointerTo(filter: unknown, path: string, at = '/filter'): string | undefined {
  if (Array.isArray(filter)) {
    for (let i = 0; i < filter.length; i++) {
      const found = pointerTo(filter[i], path, `${at}/${i}`);
      if (found) return found;
    }
  } else if (filter && typeof filter === 'object') {
    for (const [key, value] of Object.entries(filter)) {
      if (key === path) return `${at}/${key}`;
      const found = key === 'and' || key === 'or' || key === 'not' ? pointerTo(value, path, `${at}/${key}`) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

export function checkFilter(ctx: ViewContext, filter: Record<string, unknown>): Checked {
  try {
    parseFilter(ctx.object, filter, guardOf(ctx).resolve);
    return none;
  } catch (e) {
    // The parser's fields are pointers inside the filter; a permission error names the field path.
    return caught(e, (field) =>
      field === '' || field.startsWith('/') ? `/filter${field}` : (pointerTo(filter, field) ?? '/filter'),
    );
  }
}

export function checkSort(ctx: ViewContext, sort: string): Checked {
  try {
    parseSort(ctx.object, sort, guardOf(ctx).resolve);
    return none;
  } catch (e) {
    return caught(e, () => '/sort');
  }
}

/** Saving: every error of the parts given, thrown as one problem. */
export function assertSavable(ctx: ViewContext, parts: Partial<ViewDefinition>): void {
  const results: Checked[] = [];
  parts.columns?.forEach((c, i) => results.push(checkColumn(ctx, c, i)));
  if (parts.filter) results.push(checkFilter(ctx, parts.filter));
  if (parts.sort) results.push(checkSort(ctx, parts.sort));
  const errors = results.flatMap((r) => r.errors);
  if (!errors.length) return;
  const detail = 'the saved view names what you cannot list; nothing was saved';
  throw results.some((r) => r.forbidden) ? new Problem('forbidden', detail, errors) : badRequest(detail, errors);
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
    const error = removed.has(column) ? gone(`/columns/${i}`, column) : checkColumn(ctx, column, i).errors[0];
    if (error) dropped.push(error);
    return !error;
  });
  const out: ViewDefinition = { columns };
  if (def.filter) {
    const deleted = filterPaths(def.filter).find((p) => removed.has(p));
    const error = deleted ? gone('/filter', deleted) : checkFilter(ctx, def.filter).errors[0];
    if (error) dropped.push(error);
    else out.filter = def.filter;
  }
  if (def.sort) {
    const keep = def.sort.split(',').filter((part) => {
      const path = sortPaths(part)[0]!;
      const error = removed.has(path) ? gone('/sort', path) : checkSort(ctx, part).errors[0];
      if (error) dropped.push(error);
      return !error;
    });
    if (keep.length) out.sort = keep.join(',');
  }
  return { def: out, dropped };
}
