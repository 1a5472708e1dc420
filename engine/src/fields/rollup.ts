import type { FieldDef } from '../metadata/types.js';
import type { FieldTypeDef } from './field-type.js';
import { first, one, ORDERED_OPERATORS, readNumber, timestampJson } from './shared.js';

const RESULT_SQL = { number: 'numeric', date: 'date', datetime: 'timestamp with time zone' } as const;
const resultType = (f: FieldDef) => (f.returnType === 'date' || f.returnType === 'datetime' ? f.returnType : 'number');

/**
 * A summary of child records on the parent (count of open cases, sum of won amounts, latest
 * activity date): stored on the parent and recomputed in the same transaction by every write
 * of a child (records/rollups.ts), and for all parents when the field is published.
 */
export const rollup: FieldTypeDef = {
  columns: (f) => one(RESULT_SQL[resultType(f)]),
  settings: {
    child: {
      type: 'string',
      pattern: '^[a-z][a-z0-9_]{0,39}$',
      description: 'API name of the child object to summarise.',
    },
    relationField: {
      type: 'string',
      pattern: '^[a-z][a-z0-9_]{0,39}$',
      description: 'The child’s lookup or master-detail field that points at this object.',
    },
    aggregate: {
      enum: ['count', 'sum', 'min', 'max'],
      description: 'count of children, or sum, min or max of one of their fields.',
    },
    field: {
      type: 'string',
      pattern: '^[a-z][a-z0-9_]{0,39}$',
      description: 'The child field to sum, min or max (not for count).',
    },
    filter: { type: 'object', description: 'Only children matching this filter count (the list filter language).' },
    returnType: {
      enum: ['number', 'date', 'datetime'],
      default: 'number',
      description: 'number, or date/datetime for min/max of a date field.',
    },
  },
  requiredSettings: ['child', 'relationField', 'aggregate'],
  valueSchema: (f) =>
    resultType(f) === 'number'
      ? { type: 'number', readOnly: true }
      : { type: 'string', format: resultType(f) === 'date' ? 'date' : 'date-time', readOnly: true },
  operators: ORDERED_OPERATORS,
  sortable: true,
  readOnly: true,
  toColumns: (v) => [v],
  fromColumns: (values, f) => {
    const t = resultType(f);
    // A parent whose children were never counted has no stored value yet: none is zero.
    if (t === 'number')
      return values[0] == null && (f.aggregate === 'count' || f.aggregate === 'sum') ? 0 : readNumber(values);
    const v = values[0];
    return t === 'datetime' && v instanceof Date ? v.toISOString() : first(values);
  },
  jsonSql: ([col], f) => {
    const t = resultType(f);
    if (t === 'datetime') return timestampJson(col!);
    return t === 'number' && (f.aggregate === 'count' || f.aggregate === 'sum')
      ? { sql: 'coalesce(??, 0)', bindings: [col] }
      : { sql: '??', bindings: [col] };
  },
  widget: 'readonly',
};
