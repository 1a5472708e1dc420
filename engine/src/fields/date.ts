import type { FieldTypeDef } from './field-type.js';
import { first, one, ORDERED_OPERATORS } from './shared.js';

/** A calendar date, YYYY-MM-DD, with no time zone. */
export const date: FieldTypeDef = {
  columns: () => one('date'),
  settings: {},
  valueSchema: () => ({ type: 'string', format: 'date' }),
  operators: ORDERED_OPERATORS,
  sortable: true,
  toColumns: (v) => [v],
  fromColumns: first,
  widget: 'date',
};
