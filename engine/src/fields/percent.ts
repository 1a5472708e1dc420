import type { FieldTypeDef } from './field-type.js';
import { numericColumn, numericSettings, one, ORDERED_OPERATORS, readNumber } from './shared.js';

/** A percentage, stored as written (50 means 50 %). */
export const percent: FieldTypeDef = {
  columns: (f) => one(numericColumn(f, 7, 2).sqlType),
  settings: numericSettings(7, 2),
  valueSchema: (f) => {
    const { limit } = numericColumn(f, 7, 2);
    return { type: 'number', exclusiveMinimum: -limit, exclusiveMaximum: limit };
  },
  operators: ORDERED_OPERATORS,
  sortable: true,
  toColumns: (v) => [v],
  fromColumns: readNumber,
  widget: 'percent',
};
