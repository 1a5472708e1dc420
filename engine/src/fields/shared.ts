import type { FieldDef } from '../metadata/types.js';
import type { AggregateFn, ColumnSpec, FieldTypeDef, FilterOperator, JsonSchema, SqlFragment } from './field-type.js';

/** Pieces several field types share. */

export const one = (sqlType: string): ColumnSpec[] => [{ part: '', sqlType }];
export const identity = (value: unknown) => value;
export const first = (values: unknown[]) => values[0] ?? null;

export const TEXT_OPERATORS: readonly FilterOperator[] = ['eq', 'ne', 'in', 'nin', 'contains', 'startsWith', 'isNull'];
export const LONG_TEXT_OPERATORS: readonly FilterOperator[] = ['contains', 'startsWith', 'isNull'];
export const ORDERED_OPERATORS: readonly FilterOperator[] = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'between',
  'isNull',
];
export const CHOICE_OPERATORS: readonly FilterOperator[] = ['eq', 'ne', 'in', 'nin', 'isNull'];

export const NUMBER_AGGREGATES: readonly AggregateFn[] = ['sum', 'avg', 'min', 'max'];
export const ORDER_AGGREGATES: readonly AggregateFn[] = ['min', 'max'];

export const maxLengthSetting = (defaultValue: number, limit: number): JsonSchema => ({
  type: 'integer',
  minimum: 1,
  maximum: limit,
  default: defaultValue,
  title: 'Maximum length',
  description: `Longest value accepted, in characters (default ${defaultValue}).`,
});

/**
 * The `encrypted` setting of the text-like types: stored with AES-256-GCM (fields/encrypted.ts),
 * found by exact value only.
 */
export const ENCRYPTED_SETTING: JsonSchema = {
  type: 'boolean',
  default: false,
  title: 'Encrypted',
  description:
    'Store the value encrypted (AES-256-GCM under TESSERA_ENCRYPTION_KEY). It can be filtered by exact value (equals, in, is empty) but not sorted, grouped, range-filtered, searched by part or read by formulas.',
};

export const numericSettings = (precision: number, scale: number): Record<string, JsonSchema> => ({
  precision: {
    type: 'integer',
    minimum: 1,
    maximum: 38,
    default: precision,
    title: 'Precision (digits)',
    description: `Total significant digits (default ${precision}).`,
  },
  scale: {
    type: 'integer',
    minimum: 0,
    maximum: 18,
    default: scale,
    title: 'Decimal places',
    description: `Digits after the decimal point (default ${scale}).`,
  },
});

/** numeric(p,s) column type and the bounds a value must stay inside to fit it. */
export function numericColumn(field: FieldDef, precision: number, scale: number) {
  const p = field.precision ?? precision;
  const s = Math.min(field.scale ?? scale, p);
  const limit = 10 ** (p - s);
  return { sqlType: `numeric(${p},${s})`, limit, scale: s };
}

/** numeric comes back from pg as a string, to keep its precision; the API speaks JSON numbers. */
export const readNumber = (values: unknown[]) => (values[0] == null ? null : Number(values[0]));

// NUL, and UTF-16 surrogates without their partner, have no UTF-8 form: Postgres refuses the first
// in text and jsonb, the driver silently turns the second into U+FFFD in text and jsonb refuses it.
// eslint-disable-next-line no-control-regex -- NUL is the character being looked for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Deepest nesting a value may have; far deeper and serialising it overflows the call stack. */
export const MAX_VALUE_DEPTH = 100;

export interface ValueProblem {
  /** JSON pointer inside the value ('' for the value itself). */
  path: string;
  code: 'invalidCharacter' | 'maxDepth';
  message: string;
}

/**
 * Why a value cannot be stored whatever its field type (text Postgres cannot hold, nesting too
 * deep), or undefined. Walks with a stack, not recursion: a JSON body can nest deeper than the
 * call stack.
 */
export function unstorableValue(value: unknown): ValueProblem | undefined {
  // Most values are flat: no stack for them (every cell of a CSV import comes through here).
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'string' && UNSTORABLE.test(value)
      ? {
          path: '',
          code: 'invalidCharacter',
          message: 'holds a NUL character or a lone UTF-16 surrogate, which cannot be stored',
        }
      : undefined;
  }
  const stack: [unknown, string, number][] = [[value, '', 0]];
  while (stack.length) {
    const [item, path, depth] = stack.pop()!;
    if (typeof item === 'string') {
      if (UNSTORABLE.test(item))
        return {
          path,
          code: 'invalidCharacter',
          message: 'holds a NUL character or a lone UTF-16 surrogate, which cannot be stored',
        };
    } else if (item !== null && typeof item === 'object') {
      if (depth >= MAX_VALUE_DEPTH)
        return { path, code: 'maxDepth', message: `nests deeper than ${MAX_VALUE_DEPTH} levels` };
      for (const [key, child] of Object.entries(item)) {
        const at = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (UNSTORABLE.test(key))
          return {
            path: at,
            code: 'invalidCharacter',
            message: 'has a key holding a NUL character or a lone UTF-16 surrogate, which cannot be stored',
          };
        stack.push([child, at, depth + 1]);
      }
    }
  }
  return undefined;
}

/** number, currency and percent differ only in their default precision and scale, and widget. */
export function decimalType(precision: number, scale: number, widget: string): FieldTypeDef {
  return {
    columns: (f) => one(numericColumn(f, precision, scale).sqlType),
    settings: numericSettings(precision, scale),
    valueSchema: (f) => {
      // Postgres rounds to the scale first: with numeric(5,2), 999.995 becomes 1000.00 and overflows.
      const { limit, scale: s } = numericColumn(f, precision, scale);
      const bound = limit - 0.5 * 10 ** -s;
      return { type: 'number', exclusiveMinimum: -bound, exclusiveMaximum: bound };
    },
    value: { operators: ORDERED_OPERATORS, groupable: false, aggregates: NUMBER_AGGREGATES, csv: 'decimal' },
    sortable: true,
    toColumns: (v) => [v],
    fromColumns: readNumber,
    widget,
    formulaKind: 'number',
    check: (f) =>
      f.scale !== undefined && f.precision !== undefined && f.scale > f.precision
        ? [{ field: '/scale', code: 'maximum', message: 'scale cannot exceed precision' }]
        : [],
  };
}

/** Timestamps as JSON the way JS prints them (toISOString): UTC, milliseconds, Z. */
export const ISO_UTC_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';
// The format is a constant of this file, written into the SQL: a bound copy per timestamp made
// every list statement carry it again as parameters.
export const timestampJson = (col: string): SqlFragment => ({
  sql: `to_char(?? at time zone 'UTC', '${ISO_UTC_FORMAT}')`,
  bindings: [col],
});
