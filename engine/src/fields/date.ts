import type { FieldTypeDef } from './field-type.js';
import { first, one, ORDERED_OPERATORS } from './shared.js';

/** A calendar date, YYYY-MM-DD, with no time zone. */
export const date: FieldTypeDef = {
  columns: () => one('date'),
  settings: {},
  // Postgres has no year 0, which the format allows.
  valueSchema: () => ({ type: 'string', format: 'date', pattern: '^(?!0000)' }),
  operators: ORDERED_OPERATORS,
  sortable: true,
  toColumns: (v) => [v],
  fromColumns: first,
  widget: 'date',
};
