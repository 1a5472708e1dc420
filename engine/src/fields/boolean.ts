import type { FieldTypeDef } from './field-type.js';
import { first, one } from './shared.js';

/** A checkbox. */
export const boolean: FieldTypeDef = {
  columns: () => one('boolean'),
  settings: {},
  valueSchema: () => ({ type: 'boolean' }),
  value: { operators: ['eq', 'ne', 'isNull'], groupable: true, aggregates: [], csv: 'boolean' },
  sortable: true,
  toColumns: (v) => [v],
  fromColumns: first,
  widget: 'checkbox',
  formulaKind: 'boolean',
};
