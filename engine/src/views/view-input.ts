import { badRequest, type FieldError } from '../errors.js';
import { unstorableValue } from '../fields/shared.js';

/**
 * The shape of a saved-view body, checked before anything is looked up: known properties only,
 * each of the right JSON type and size. What the names mean (fields of the object, readable by
 * the caller) is view-check.ts's business.
 */

/** What a view shows: the list API's `fields`, `filter` and `sort`, saved. */
export interface ViewDefinition {
  columns: string[];
  filter?: Record<string, unknown>;
  sort?: string;
}

/** A create body, or the properties a PATCH changes (null removes filter or sort). */
export interface ViewInput {
  label?: string;
  columns?: string[];
  filter?: Record<string, unknown> | null;
  sort?: string | null;
}

export const MAX_LABEL = 80;
export const MAX_COLUMNS = 200;
/** JSON characters of a saved filter: far above what a person builds, far below the body limit. */
export const MAX_FILTER_CHARS = 32_000;
const MAX_SORT_CHARS = 500;
const KEYS = ['label', 'columns', 'filter', 'sort'];
const PATH = /^[a-z][a-z0-9_]{0,39}(\.[a-z][a-z0-9_]{0,39})?$/;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseViewInput(body: unknown, mode: 'create' | 'update'): ViewInput {
  if (!isPlainObject(body))
    throw badRequest('the body is a JSON object', [
      { field: '/', code: 'type', message: 'send { label, columns, filter?, sort? }' },
    ]);
  const errors: FieldError[] = [];
  for (const key of Object.keys(body)) {
    if (!KEYS.includes(key))
      errors.push({
        field: `/${key}`,
        code: 'unknownField',
        message: `"${key}" is not a property of a saved view (${KEYS.join(', ')})`,
      });
  }
  const input: ViewInput = {};
  const { label, columns, filter, sort } = body;

  if (label !== undefined) {
    const text = typeof label === 'string' ? label.trim() : undefined;
    if (text === undefined) errors.push({ field: '/label', code: 'type', message: 'the label is a string' });
    else if (text.length < 1 || text.length > MAX_LABEL)
      errors.push({ field: '/label', code: 'length', message: `the label has 1 to ${MAX_LABEL} characters` });
    else if (unstorableValue(text))
      errors.push({
        field: '/label',
        code: 'invalidCharacter',
        message: `the label ${unstorableValue(text)!.message}`,
      });
    else input.label = text;
  } else if (mode === 'create') errors.push({ field: '/label', code: 'required', message: 'name the view' });

  if (columns !== undefined) {
    if (!Array.isArray(columns) || columns.length < 1 || columns.length > MAX_COLUMNS) {
      errors.push({
        field: '/columns',
        code: 'type',
        message: `the columns are an array of 1 to ${MAX_COLUMNS} field names`,
      });
    } else {
      const seen = new Set<string>();
      columns.forEach((c, i) => {
        if (typeof c !== 'string' || !PATH.test(c))
          errors.push({
            field: `/columns/${i}`,
            code: 'type',
            message: 'a field name, or a lookup, a dot and a field of its target (account.name)',
          });
        else if (seen.has(c))
          errors.push({ field: `/columns/${i}`, code: 'unique', message: `"${c}" is already a column` });
        else seen.add(c);
      });
      input.columns = columns as string[];
    }
  } else if (mode === 'create')
    errors.push({ field: '/columns', code: 'required', message: 'choose at least one column' });

  if (filter === null) input.filter = null;
  else if (filter !== undefined) {
    if (!isPlainObject(filter))
      errors.push({
        field: '/filter',
        code: 'type',
        message: 'the filter is an object in the filter language of the records API, or null',
      });
    else if (JSON.stringify(filter).length > MAX_FILTER_CHARS)
      errors.push({
        field: '/filter',
        code: 'size',
        message: `the filter has at most ${MAX_FILTER_CHARS} characters of JSON`,
      });
    else input.filter = filter;
  }

  if (sort === null || sort === '') input.sort = null;
  else if (sort !== undefined) {
    if (typeof sort !== 'string' || sort.length > MAX_SORT_CHARS)
      errors.push({ field: '/sort', code: 'type', message: 'the sort is a string like -amount,name, or null' });
    else input.sort = sort;
  }

  if (mode === 'update' && !errors.length && Object.keys(input).length === 0)
    errors.push({ field: '/', code: 'empty', message: 'send at least one of label, columns, filter, sort' });
  if (errors.length) throw badRequest('the saved view is not valid; nothing was saved', errors);
  return input;
}
