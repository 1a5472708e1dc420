import type { FieldTypeDef } from './field-type.js';
import { first, NUMBER_AGGREGATES, one, ORDERED_OPERATORS } from './shared.js';

const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;

/** A whole number (Postgres integer). */
export const integer: FieldTypeDef = {
  columns: () => one('integer'),
  settings: {
    min: { type: 'integer', title: 'Minimum', description: 'Smallest value accepted.' },
    max: { type: 'integer', title: 'Maximum', description: 'Largest value accepted.' },
  },
  valueSchema: (f) => ({ type: 'integer', minimum: f.min ?? INT4_MIN, maximum: f.max ?? INT4_MAX }),
  value: { operators: ORDERED_OPERATORS, groupable: true, aggregates: NUMBER_AGGREGATES, csv: 'integer' },
  sortable: true,
  toColumns: (v) => [v],
  fromColumns: first,
  widget: 'integer',
  formulaKind: 'number',
};
