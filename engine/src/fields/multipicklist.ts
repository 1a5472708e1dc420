import type { FieldTypeDef } from './field-type.js';
import { duplicateValues, picklistValuesSetting } from './picklist.js';
import { one } from './shared.js';

/**
 * Several choices from a list, stored as text[] so a GIN index can serve "has any of".
 * Operators: in = has any of, nin = has none of, contains = has all of.
 */
export const multipicklist: FieldTypeDef = {
  columns: () => one('text[]'),
  settings: { values: picklistValuesSetting },
  requiredSettings: ['values'],
  valueSchema: (f) => ({
    type: 'array',
    uniqueItems: true,
    items: { type: 'string', enum: (f.values ?? []).map((v) => v.value) },
  }),
  value: { operators: ['in', 'nin', 'contains', 'isNull'], groupable: false, aggregates: [], csv: 'choices' },
  sortable: false,
  toColumns: (v) => [(v as string[]).length === 0 ? null : v],
  fromColumns: ([v]) => v ?? [],
  jsonSql: ([col]) => ({ sql: "coalesce(to_json(??), '[]'::json)", bindings: [col] }),
  widget: 'multipicklist',
  multiValued: true,
  check: duplicateValues,
};
