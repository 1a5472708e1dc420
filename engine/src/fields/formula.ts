import type { FieldDef } from '../metadata/types.js';
import type { FieldTypeDef, JsonSchema } from './field-type.js';
import { first, one, timestampJson } from './shared.js';

const RETURN_TYPES = ['text', 'number', 'currency', 'percent', 'boolean', 'date', 'datetime'] as const;
/** The field types a formula can give: its values then behave as theirs (operators, grouping, CSV, display). */
export type FormulaReturnType = (typeof RETURN_TYPES)[number];

/** The column type of the generated column, which the compiled expression is cast to. */
export const RETURN_SQL_TYPES: Record<FormulaReturnType, string> = {
  text: 'text',
  number: 'numeric',
  currency: 'numeric(18,2)',
  percent: 'numeric(7,2)',
  boolean: 'boolean',
  date: 'date',
  datetime: 'timestamp with time zone',
};
const VALUE_SCHEMAS: Record<FormulaReturnType, JsonSchema> = {
  text: { type: 'string' },
  number: { type: 'number' },
  currency: { type: 'number' },
  percent: { type: 'number' },
  boolean: { type: 'boolean' },
  date: { type: 'string', format: 'date' },
  datetime: { type: 'string', format: 'date-time' },
};
const returnType = (f: FieldDef): FormulaReturnType => f.returnType ?? 'text';

/**
 * A value computed from the record's own fields by a json-logic expression. The expression is
 * compiled to SQL (rules/formula-sql.ts) and stored as a generated column, so it is always
 * current and can be filtered, sorted and indexed. Clients cannot write it. Its values behave as
 * those of its return type.
 */
export const formula: FieldTypeDef = {
  columns: (f) => one(RETURN_SQL_TYPES[returnType(f)]),
  settings: {
    expression: {
      title: 'Formula (json-logic)',
      description:
        'json-logic over this object’s fields, e.g. {"*": [{"var": "amount"}, {"/": [{"var": "probability"}, 100]}]}.',
    },
    returnType: {
      enum: [...RETURN_TYPES],
      default: 'text',
      title: 'Result type',
      description: 'Type of the computed value.',
    },
  },
  requiredSettings: ['expression', 'returnType'],
  valueSchema: (f) => ({ ...VALUE_SCHEMAS[returnType(f)], readOnly: true }),
  valueType: returnType,
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
  generatedFrom: (f) => ({ expression: f.expression, returnType: returnType(f), pointer: '/expression' }),
  check: (f) =>
    f.default === undefined
      ? []
      : [{ field: '/default', code: 'readOnly', message: 'a formula field is computed; it cannot have a default' }],
};
