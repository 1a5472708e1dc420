import type { FieldTypeDef } from './field-type.js';
import { one, ORDERED_OPERATORS } from './shared.js';

/** An instant (timestamptz): written with any offset, always read back in UTC. */
export const datetime: FieldTypeDef = {
  columns: () => one('timestamp with time zone'),
  settings: {},
  valueSchema: () => ({ type: 'string', format: 'date-time' }),
  operators: ORDERED_OPERATORS,
  sortable: true,
  toColumns: (v) => [v],
  fromColumns: ([v]) => (v instanceof Date ? v.toISOString() : (v ?? null)),
  widget: 'datetime',
};
