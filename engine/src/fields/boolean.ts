import type { FieldTypeDef } from './field-type.js';
import { first, one } from './shared.js';

/** A checkbox. */
export const boolean: FieldTypeDef = {
  columns: () => one('boolean'),
  settings: {},
  valueSchema: () => ({ type: 'boolean' }),
  operators: ['eq', 'ne', 'isNull'],
  sortable: true,
  toColumns: (v) => [v],
  fromColumns: first,
  widget: 'checkbox',
};
