import type { FieldTypeDef } from './field-type.js';
import { numericColumn, numericSettings, one, ORDERED_OPERATORS, readNumber } from './shared.js';

/** A money amount: numeric, never floating point, so cents add up. */
export const currency: FieldTypeDef = {
  columns: (f) => one(numericColumn(f, 18, 2).sqlType),
  settings: numericSettings(18, 2),
  valueSchema: (f) => {
    const { limit } = numericColumn(f, 18, 2);
    return { type: 'number', exclusiveMinimum: -limit, exclusiveMaximum: limit };
  },
  operators: ORDERED_OPERATORS,
  sortable: true,
  toColumns: (v) => [v],
  fromColumns: readNumber,
  widget: 'currency',
};
