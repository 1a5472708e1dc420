import type { FieldTypeDef } from './field-type.js';
import { first, one, ORDER_AGGREGATES, ORDERED_OPERATORS } from './shared.js';

/** A calendar date, YYYY-MM-DD, with no time zone. */
export const date: FieldTypeDef = {
  columns: () => one('date'),
  settings: {},
  // Postgres has no year 0, which the format allows.
  valueSchema: () => ({ type: 'string', format: 'date', pattern: '^(?!0000)' }),
  value: {
    operators: ORDERED_OPERATORS,
    groupable: true,
    aggregates: ORDER_AGGREGATES,
    csv: 'date',
    temporal: 'date',
  },
  sortable: true,
  toColumns: (v) => [v],
  fromColumns: first,
  widget: 'date',
  formulaKind: 'date',
};
