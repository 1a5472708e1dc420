import type { FieldTypeDef } from './field-type.js';
import { numericColumn, numericSettings, one, ORDERED_OPERATORS, readNumber } from './shared.js';

/** A decimal number with a fixed precision and scale (Postgres numeric). */
export const number: FieldTypeDef = {
  columns: (f) => one(numericColumn(f, 18, 0).sqlType),
  settings: numericSettings(18, 0),
  valueSchema: (f) => {
    const { limit } = numericColumn(f, 18, 0);
    return { type: 'number', exclusiveMinimum: -limit, exclusiveMaximum: limit };
  },
  operators: ORDERED_OPERATORS,
  sortable: true,
  toColumns: (v) => [v],
  fromColumns: readNumber,
  widget: 'number',
};
