import type { FieldTypeDef } from './field-type.js';
import { one, ORDER_AGGREGATES, ORDERED_OPERATORS, timestampJson } from './shared.js';

/** An instant (timestamptz): written with any offset, always read back in UTC. */
export const datetime: FieldTypeDef = {
  columns: () => one('timestamp with time zone'),
  settings: {},
  // Postgres has no year 0, which the format allows. (Our date-time format is narrowed to what
  // Postgres takes in metadata/schemas.ts: seconds to 59, offsets to ±15:59.)
  valueSchema: () => ({ type: 'string', format: 'date-time', pattern: '^(?!0000)' }),
  value: {
    operators: ORDERED_OPERATORS,
    groupable: true,
    aggregates: ORDER_AGGREGATES,
    csv: 'datetime',
    temporal: 'datetime',
  },
  sortable: true,
  // Kept to the millisecond, the precision the API reads back in: a value with microseconds could
  // otherwise never be found again by filtering on the value a client read.
  toColumns: (v) => [String(v).replace(/(\.\d{3})\d+/, '$1')],
  fromColumns: ([v]) => (v instanceof Date ? v.toISOString() : (v ?? null)),
  jsonSql: ([col]) => timestampJson(col!),
  widget: 'datetime',
  formulaKind: 'timestamp',
};
