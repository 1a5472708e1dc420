import type { FieldDef } from '../metadata/types.js';
import { RETURN_SQL_TYPES } from '../rules/formula-sql.js';
import type { FieldTypeDef, FilterOperator, JsonSchema } from './field-type.js';
import { first, ORDERED_OPERATORS, one, TEXT_OPERATORS, timestampJson } from './shared.js';

const RETURN_TYPES = ['text', 'number', 'currency', 'percent', 'boolean', 'date', 'datetime'] as const;

const VALUE_SCHEMAS: Record<(typeof RETURN_TYPES)[number], JsonSchema> = {
  text: { type: 'string' },
  number: { type: 'number' },
  currency: { type: 'number' },
  percent: { type: 'number' },
  boolean: { type: 'boolean' },
  date: { type: 'string', format: 'date' },
  datetime: { type: 'string', format: 'date-time' },
};
const OPERATORS: Record<(typeof RETURN_TYPES)[number], readonly FilterOperator[]> = {
  text: TEXT_OPERATORS,
  number: ORDERED_OPERATORS,
  currency: ORDERED_OPERATORS,
  percent: ORDERED_OPERATORS,
  boolean: ['eq', 'ne', 'isNull'],
  date: ORDERED_OPERATORS,
  datetime: ORDERED_OPERATORS,
};
const returnType = (f: FieldDef) => f.returnType ?? 'text';

/**
 * A value computed from the record's own fields by a json-logic expression. The expression is
 * compiled to SQL (rules/formula-sql.ts) and stored as a generated column, so it is always
 * current and can be filtered, sorted and indexed. Clients cannot write it.
 * Its operators are those of its return type: the widest list is declared for the registry and
 * operatorsFor narrows it per field.
 */
export const formula: FieldTypeDef = {
  columns: (f) => one(RETURN_SQL_TYPES[returnType(f)]),
  settings: {
    expression: {
      description:
        'json-logic over this object’s fields, e.g. {"*": [{"var": "amount"}, {"/": [{"var": "probability"}, 100]}]}.',
    },
    returnType: { enum: [...RETURN_TYPES], default: 'text', description: 'Type of the computed value.' },
  },
  requiredSettings: ['expression', 'returnType'],
  valueSchema: (f) => ({ ...VALUE_SCHEMAS[returnType(f)], readOnly: true }),
  operators: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'between', 'contains', 'startsWith', 'isNull'],
  operatorsFor: (f) => OPERATORS[returnType(f)],
  sortable: true,
  readOnly: true,
  toColumns: (v) => [v],
  fromColumns: ([v], f) => {
    if (v == null) return null;
    const t = returnType(f);
    if (t === 'number' || t === 'currency' || t === 'percent') return Number(v);
    if (t === 'datetime') return v instanceof Date ? v.toISOString() : v;
    return first([v]);
  },
  jsonSql: ([col], f) => (returnType(f) === 'datetime' ? timestampJson(col!) : { sql: '??', bindings: [col] }),
  widget: 'readonly',
};
