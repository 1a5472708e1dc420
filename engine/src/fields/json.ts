import type { FieldTypeDef } from './field-type.js';
import { first, one } from './shared.js';

/** Free-form JSON for data the metadata does not model (jsonb). */
export const json: FieldTypeDef = {
  columns: () => one('jsonb'),
  settings: {},
  valueSchema: () => ({}),
  value: { operators: ['isNull'], groupable: false, aggregates: [], csv: 'json' },
  sortable: false,
  // pg would send a JS array as a Postgres array literal; jsonb needs JSON text.
  toColumns: (v) => [JSON.stringify(v)],
  fromColumns: first,
  widget: 'json',
  anyJson: true,
};
