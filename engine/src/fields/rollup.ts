import type { FieldError } from '../errors.js';
import type { FieldDef } from '../metadata/types.js';
import type { FieldTypeDef, SnapshotCheckContext } from './field-type.js';
import { first, one, readNumber, timestampJson } from './shared.js';

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
      title: 'Child object',
      description: 'API name of the child object to summarise.',
    },
    relationField: {
      type: 'string',
      pattern: '^[a-z][a-z0-9_]{0,39}$',
      title: 'Child field pointing here',
      description: 'The child’s lookup or master-detail field that points at this object.',
    },
    aggregate: {
      enum: ['count', 'sum', 'min', 'max'],
      title: 'Summary',
      description: 'count of children, or sum, min or max of one of their fields.',
    },
    field: {
      type: 'string',
      pattern: '^[a-z][a-z0-9_]{0,39}$',
      title: 'Child field to summarise',
      description: 'The child field to sum, min or max (not for count).',
    },
    filter: {
      type: 'object',
      title: 'Only children matching (filter)',
      description: 'Only children matching this filter count (the list filter language).',
    },
    returnType: {
      enum: ['number', 'date', 'datetime'],
      default: 'number',
      title: 'Result type',
      description: 'number, or date/datetime for min/max of a date field.',
    },
  },
  requiredSettings: ['child', 'relationField', 'aggregate'],
  valueSchema: (f) =>
    resultType(f) === 'number'
      ? { type: 'number', readOnly: true }
      : { type: 'string', format: resultType(f) === 'date' ? 'date' : 'date-time', readOnly: true },
  valueType: resultType,
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
  summarisesChildren: true,
  checkInSnapshot: childErrors,
};

/** The child object, its relation back here and the summarised field exist, and the aggregate fits them. */
function childErrors(f: FieldDef, { object, objects, typeOf }: SnapshotCheckContext): FieldError[] {
  const child = objects.get(f.child!);
  if (!child) return [{ field: '/child', code: 'reference', message: `child object "${f.child}" does not exist` }];
  const relation = child.fields.find((x) => x.apiName === f.relationField);
  if (!relation || !typeOf(relation).relation || relation.target !== object.apiName) {
    return [
      {
        field: '/relationField',
        code: 'reference',
        message: `${f.child}.${f.relationField} is not a lookup to ${object.apiName}`,
      },
    ];
  }
  if (f.aggregate === 'count')
    return f.field ? [{ field: '/field', code: 'unexpected', message: 'count takes no field' }] : [];
  const summed = child.fields.find((x) => x.apiName === f.field);
  if (!summed) return [{ field: '/field', code: 'reference', message: `"${f.field}" is not a field of ${f.child}` }];
  const result = f.returnType ?? 'number';
  const numeric = typeOf(summed).value?.aggregates.includes('sum') === true;
  const ok =
    f.aggregate === 'sum' ? numeric && result === 'number' : result === 'number' ? numeric : summed.type === result;
  return ok
    ? []
    : [
        {
          field: '/field',
          code: 'type',
          message: `${f.aggregate} of a ${summed.type} field does not give a ${result}`,
        },
      ];
}
