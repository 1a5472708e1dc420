import fs from 'node:fs';
import fc from 'fast-check';
import knexFactory from 'knex';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, Problem } from '../errors.js';
import { FILTER_OPERATORS, type FilterOperator } from '../fields/field-type.js';
import { compile, type CompiledField, type CompiledObject } from '../metadata/compile.js';
import { CORE_PACK_DIR, readPack } from '../packs/pack-files.js';
import { isDateLiteral } from './date-literals.js';
import { applyFilter } from './filter-compiler.js';
import { parseFilter, SYSTEM_FIELDS, type FilterNode, type SystemField } from './filter-parser.js';

/**
 * Property-based tests of stages 1 and 2 of a list request (filter-parser.ts, filter-compiler.ts)
 * against the core pack's opportunity and account:
 *   1. any input whatsoever is either a tree or a 400 Problem naming field, code and message;
 *   2. an accepted filter compiles to SQL whose text holds only quoted metadata identifiers, SQL
 *      keywords and $n placeholders: every value travels as a binding;
 *   3. a well-formed filter over real fields with values of the fields' types is accepted.
 */

const compiled = compile(1, readPack(CORE_PACK_DIR).snapshot);
const OBJECTS = ['opportunity', 'account'].map((name) => compiled.objects.get(name)!);
const SCHEMA = 'tenant_default';
const knex = knexFactory({ client: 'pg' });

const SQLI = fs
  .readFileSync(new URL('../../test/corpus/sqli.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'));
const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  '__lookupGetter__',
  'isPrototypeOf',
];
const UNSTORABLE_STRINGS = ['a\u0000b', '\u0000', '\ud800', 'x\udfff', '\udc00\ud800'];

// The parser's limits (filter-parser.ts), probed from both sides.
const MAX_DEPTH = 12;
const MAX_CONDITIONS = 200;
const MAX_IN_VALUES = 1000;

/** Mirror of SYSTEM_OPERATORS in filter-parser.ts (not exported): what each system column takes. */
const SYSTEM_OPERATORS: Record<SystemField['kind'], readonly FilterOperator[]> = {
  uuid: ['eq', 'ne', 'in', 'nin', 'isNull'],
  datetime: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'isNull'],
  integer: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'between'],
};

const fieldNames = (object: CompiledObject) => [...object.fields.keys()];
const ALL_FIELD_NAMES = [...new Set(OBJECTS.flatMap(fieldNames))];
const COLUMN_NAMES = [...new Set(OBJECTS.flatMap((o) => [...o.fields.values()].flatMap((f) => f.columns)))];

// ---------------------------------------------------------------------------------------------
// Checks shared by the properties

const REFUSED = Symbol('refused');

/** parseFilter, asserting that a refusal is a 400 Problem whose errors name field, code and message. */
function parseOrRefuse(object: CompiledObject, input: unknown): FilterNode | undefined | typeof REFUSED {
  try {
    return parseFilter(object, input);
  } catch (e) {
    if (!(e instanceof Problem))
      throw new Error(`parseFilter threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`, { cause: e });
    const wellFormed =
      e.status === 400 &&
      typeof e.detail === 'string' &&
      e.errors.length > 0 &&
      e.errors.every(
        (err) =>
          typeof err.field === 'string' &&
          Object.hasOwn(ERROR_CODES, err.code) &&
          typeof err.message === 'string' &&
          err.message !== '',
      );
    if (!wellFormed)
      throw new Error(
        `refused without naming field, code and message: ${JSON.stringify({ status: e.status, detail: e.detail, errors: e.errors })}`,
      );
    return REFUSED;
  }
}

function toNative(object: CompiledObject, tree: FilterNode) {
  const qb = knex(`${SCHEMA}.${object.table} as r`).select('r.id');
  applyFilter(qb, tree, 'r');
  return qb.toSQL().toNative();
}

/**
 * The same tree with every value replaced by a stand-in of the same shape. Booleans (isNull) and
 * date literals ("this_quarter", a range worked out at run time) steer the SQL's shape and stay.
 */
function withoutValues(node: FilterNode): FilterNode {
  const blank = (v: unknown): unknown =>
    typeof v === 'string'
      ? isDateLiteral(v)
        ? v
        : '·'
      : typeof v === 'number'
        ? 0
        : Array.isArray(v)
          ? v.map(blank)
          : v;
  switch (node.kind) {
    case 'and':
    case 'or':
      return { kind: node.kind, items: node.items.map(withoutValues) };
    case 'not':
      return { kind: 'not', item: withoutValues(node.item) };
    case 'cond':
      return { ...node, value: blank(node.value) };
  }
}

const SQL_KEYWORDS = new Set([
  'select',
  'from',
  'as',
  'where',
  'and',
  'or',
  'not',
  'is',
  'null',
  'in',
  'between',
  'distinct',
  'ilike',
  'escape',
  'text',
]);
const QUOTED = /"((?:[^"]|"")*)"/g;

/**
 * The compiled SQL names only quoted identifiers from metadata, SQL keywords, the one literal of
 * `escape '\'` and $n placeholders, numbered 1..n, one per binding. Returns the SQL text.
 */
function checkCompiledSql(object: CompiledObject, tree: FilterNode): { sql: string; bindings: readonly unknown[] } {
  const { sql, bindings } = toNative(object, tree);
  const allowedIdentifiers = new Set([
    'r',
    SCHEMA,
    object.table,
    'id',
    'deleted_at',
    ...Object.keys(SYSTEM_FIELDS),
    ...[...object.fields.values()].flatMap((f) => f.columns),
  ]);
  // Plain checks first, one expect at the end: this runs for thousands of filters.
  const strangers = [...sql.matchAll(QUOTED)].map((m) => m[1]!).filter((name) => !allowedIdentifiers.has(name));
  expect(strangers, sql).toEqual([]);
  const bare = sql
    .replace(QUOTED, ' ')
    .replace(/ escape '\\'/g, ' escape ')
    .replace(/\$\d+/g, ' ');
  expect(bare, sql).not.toMatch(/['"`;]|--|\/\*/);
  const unquoted = (bare.match(/[^\s().,=<>&@:[\]*]+/g) ?? []).filter((word) => !SQL_KEYWORDS.has(word));
  expect(unquoted, sql).toEqual([]);
  const placeholders = (sql.match(/\$\d+/g) ?? []).map((p) => Number(p.slice(1)));
  if (placeholders.length !== bindings.length || placeholders.some((n, i) => n !== i + 1)) {
    expect(placeholders, sql).toEqual(bindings.map((_b, i) => i + 1));
  }
  return { sql, bindings };
}

// ---------------------------------------------------------------------------------------------
// Values of each field type, valid ones (property 3) and a hostile mix (properties 1 and 2)

const INT4 = { min: -2147483648, max: 2147483647 };
// eslint-disable-next-line no-control-regex -- NUL is what Postgres cannot store
const storable = (s: string) => !/\u0000|[\ud800-\udfff]/.test(s);
const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(...SQLI),
);
const textUpTo = (max: number) => anyText.filter((s) => storable(s) && [...s].length <= max);

/** A date Postgres and the validators agree on: years 1 to 9999. */
const isoDate = fc
  .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
// Offsets Postgres takes (±15:59); the parser refuses wider ones.
const isoDateTime = fc
  .tuple(
    fc.date({ min: new Date('0001-01-02T00:00:00Z'), max: new Date('9999-12-30T23:59:59Z'), noInvalidDate: true }),
    fc.oneof(
      fc.constant('Z'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 59 }))
        .map(([sign, h, m]) => `${sign}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
    ),
  )
  .map(([d, zone]) => d.toISOString().replace('Z', zone));
/**
 * Relative dates (date-literals.ts), up to the spans it allows: 100 years, 1,200 months, 5,200 weeks, and days to four
 * digits.
 */
const LITERAL_MAX_N = { days: 9_999, weeks: 5_200, months: 1_200, years: 100 } as const;
const dateLiteral = fc.oneof(
  fc.constantFrom(
    'today',
    'yesterday',
    'tomorrow',
    'this_week',
    'last_week',
    'next_month',
    'this_quarter',
    'last_year',
  ),
  fc
    .tuple(
      fc.constantFrom('last_n', 'next_n'),
      fc.constantFrom(...(Object.keys(LITERAL_MAX_N) as (keyof typeof LITERAL_MAX_N)[])),
    )
    .chain(([w, unit]) => fc.integer({ min: 0, max: LITERAL_MAX_N[unit] }).map((n) => `${w}_${unit}:${n}`)),
);
const phoneNumber = fc
  .stringMatching(/^\+?[0-9]{1,4}[ ()./-]?[0-9]{2,12}( x[0-9]{1,4})?$/)
  .filter((s) => s.length <= 40);
const webUrl = fc
  .tuple(fc.constantFrom('http', 'https', 'HTTPS'), fc.domain(), fc.stringMatching(/^[a-z0-9._~-]{0,20}$/))
  .map(([scheme, host, path]) => `${scheme}://${host}/${path}`);

function decimalBound(field: CompiledField): number {
  const p = field.def.precision ?? 18;
  const s = Math.min(field.def.scale ?? 2, p);
  // a hair inside the exclusive bound, which doubles cannot hit exactly at 18 digits
  return 10 ** (p - s) * (1 - 1e-9) - 10 ** -s;
}

/** A valid non-null value for a field; date literals only where the operator takes them (not in/nin). */
function validScalar(field: CompiledField | SystemField, literals = true): fc.Arbitrary<unknown> {
  const temporal = (...arbs: fc.Arbitrary<string>[]) => fc.oneof(...arbs, ...(literals ? [dateLiteral] : []));
  if ('system' in field) {
    return field.kind === 'uuid'
      ? fc.uuid()
      : field.kind === 'integer'
        ? fc.integer(INT4)
        : temporal(isoDate, isoDateTime);
  }
  const def = field.def;
  switch (def.type) {
    case 'text':
    case 'textarea':
    case 'richtext':
    case 'autonumber':
      return textUpTo(def.maxLength ?? 255);
    case 'phone':
      return phoneNumber;
    case 'url':
      return webUrl;
    case 'email':
      return fc.emailAddress().filter((s) => s.length <= 254);
    case 'integer':
      return fc.integer({ min: def.min ?? INT4.min, max: def.max ?? INT4.max });
    case 'number':
    case 'currency':
    case 'percent': {
      const bound = decimalBound(field);
      const whole = Math.min(1000, Math.floor(bound));
      return fc.oneof(
        fc.integer({ min: -whole, max: whole }),
        fc.double({ min: -bound, max: bound, noNaN: true, noDefaultInfinity: true }),
      );
    }
    case 'boolean':
      return fc.boolean();
    case 'date':
      return temporal(isoDate);
    case 'datetime':
      return temporal(isoDateTime);
    case 'time':
      return fc.stringMatching(/^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$/);
    case 'picklist':
    case 'multipicklist':
      return fc.constantFrom(...(def.values ?? []).map((v) => v.value));
    case 'lookup':
    case 'masterDetail':
      return fc.uuid();
    case 'json':
    case 'address':
    case 'geolocation':
      return fc.constant(null); // isNull only
    default:
      throw new Error(`no value generator for ${def.type} fields yet (${def.apiName})`);
  }
}

function operatorsOf(field: CompiledField | SystemField): readonly FilterOperator[] {
  return 'system' in field ? SYSTEM_OPERATORS[field.kind] : field.operators;
}

/** A valid { op: value } for a field. */
function validCondition(field: CompiledField | SystemField): fc.Arbitrary<Record<string, unknown>> {
  const scalar = validScalar(field);
  const multi = !('system' in field) && field.def.type === 'multipicklist';
  return fc.constantFrom(...operatorsOf(field)).chain((op): fc.Arbitrary<Record<string, unknown>> => {
    switch (op) {
      case 'isNull':
        return fc.boolean().map((v) => ({ isNull: v }));
      case 'in':
      case 'nin':
        return fc.array(validScalar(field, false), { minLength: 1, maxLength: 5 }).map((v) => ({ [op]: v }));
      case 'between':
        return fc.tuple(scalar, scalar).map((v) => ({ between: v }));
      case 'contains':
        if (multi) return fc.array(scalar, { minLength: 1, maxLength: 3 }).map((v) => ({ contains: v }));
        return textUpTo(255)
          .filter((s) => s.length > 0 && s.length <= 255)
          .map((v) => ({ contains: v }));
      case 'startsWith':
        return textUpTo(255)
          .filter((s) => s.length > 0 && s.length <= 255)
          .map((v) => ({ startsWith: v }));
      default:
        return scalar.map((v) => ({ [op]: v }));
    }
  });
}

/** Filters of and/or/not over leaves, nested to at most `depth` levels. */
function filterTree(leaf: fc.Arbitrary<Record<string, unknown>>, depth: number): fc.Arbitrary<Record<string, unknown>> {
  if (depth === 0) return leaf;
  const sub = filterTree(leaf, depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(sub, { minLength: 1, maxLength: 3 }).map((items) => ({ and: items })) },
    { weight: 1, arbitrary: fc.array(sub, { minLength: 1, maxLength: 3 }).map((items) => ({ or: items })) },
    { weight: 1, arbitrary: sub.map((item) => ({ not: item })) },
    // several keys in one object: an implicit and, including and/or/not beside field keys
    { weight: 1, arbitrary: fc.tuple(leaf, sub).map(([a, b]) => ({ ...b, ...a })) },
  );
}

/** A valid leaf: one to three fields of the object, each with a valid condition or a bare value (eq). */
function validLeaf(object: CompiledObject): fc.Arbitrary<Record<string, unknown>> {
  const fields: (CompiledField | SystemField)[] = [...object.fields.values(), ...Object.values(SYSTEM_FIELDS)];
  const entry = fc.constantFrom(...fields).chain((field) => {
    const name = 'system' in field ? field.name : field.def.apiName;
    const bare = operatorsOf(field).includes('eq') ? [validScalar(field).map((v) => [name, v] as const)] : [];
    return fc.oneof(
      validCondition(field).map((c) => [name, c] as const),
      ...bare,
    );
  });
  return fc.array(entry, { minLength: 1, maxLength: 3 }).map((entries) => Object.fromEntries(entries));
}

// ---------------------------------------------------------------------------------------------
// Hostile input for property 1

const KEY_POOL = [
  ...ALL_FIELD_NAMES,
  ...Object.keys(SYSTEM_FIELDS),
  ...COLUMN_NAMES,
  'deleted_at',
  'r.name',
  'Name',
  ' name',
  'name ',
  '',
  ...SQLI,
  ...PROTOTYPE_KEYS,
  ...UNSTORABLE_STRINGS,
  'and',
  'or',
  'not',
  'AND',
  'Or',
  '$and',
  ...FILTER_OPERATORS,
];
const OP_POOL = [
  ...FILTER_OPERATORS,
  ...FILTER_OPERATORS,
  'EQ',
  'like',
  'ilike',
  'regex',
  '$eq',
  'is',
  'raw',
  '',
  ...SQLI,
  ...PROTOTYPE_KEYS,
];
const hostileKey = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...KEY_POOL) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
const hostileScalar = fc.oneof(
  fc.constantFrom(
    ...SQLI,
    ...UNSTORABLE_STRINGS,
    ...PROTOTYPE_KEYS,
    '',
    'won',
    'proposal',
    'closed_won',
    'hot',
    'customer',
    '2024-02-30',
    '2024-02-29',
    '0000-01-01',
    '10000-01-01',
    '2024-01-01T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '00000000-0000-0000-0000-000000000000',
    'urn:uuid:0',
    'https://example.test/',
    'javascript:alert(1)',
    '1e400',
    'NaN',
    'today',
    'this_quarter',
    'last_n_days:30',
    'next_n_years:9999',
    'last_n_years:101',
    'next_n_days:36501',
    'last_n_days:',
    'last_n_days:-1',
    'last_n_days:10000',
    'TODAY',
  ),
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, 1e16, -1e16, 999.995, 1000, 2147483648, -2147483649, Number.MAX_SAFE_INTEGER, 0.1, 1e-300),
  fc.boolean(),
  fc.constant(null),
  fc.uuid(),
  isoDate,
  anyText,
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileScalar },
  { weight: 2, arbitrary: fc.array(hostileScalar, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      Array(MAX_IN_VALUES + 1).fill('prospecting'),
      Array(MAX_IN_VALUES).fill(1),
      [[['deep']]],
      { a: { b: 1 } },
    ),
  },
);
const hostileCondition = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .array(fc.tuple(fc.constantFrom(...OP_POOL), hostileValue), { minLength: 0, maxLength: 3 })
      .map((e) => Object.fromEntries(e)),
  },
  { weight: 1, arbitrary: hostileValue },
);
const { node: hostileNode } = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    {
      weight: 4,
      arbitrary: fc
        .array(fc.tuple(hostileKey, fc.oneof(hostileCondition, tie('node'))), { minLength: 0, maxLength: 4 })
        .map((e) => Object.fromEntries(e)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('and', 'or'), fc.oneof(fc.array(tie('node'), { maxLength: 3 }), hostileValue))
        .map(([k, v]) => ({ [k]: v })),
    },
    { weight: 1, arbitrary: fc.oneof(tie('node'), hostileValue).map((v) => ({ not: v })) },
    { weight: 1, arbitrary: hostileValue },
  ),
}));
/** A valid one-condition filter on the object's name field. */
const nameLeaf = (object: CompiledObject) => ({ [object.def.nameField]: { startsWith: 'a' } });
/** Chains of not/and/or around a valid leaf, from well inside the depth limit to beyond it. */
const deepFilter = (object: CompiledObject) =>
  fc
    .tuple(
      fc.integer({ min: MAX_DEPTH - 3, max: MAX_DEPTH + 3 }),
      fc.array(fc.constantFrom('not', 'and', 'or'), { minLength: MAX_DEPTH + 3, maxLength: MAX_DEPTH + 3 }),
    )
    .map(([depth, kinds]) =>
      kinds
        .slice(0, depth)
        .reduce<unknown>((inner, kind) => (kind === 'not' ? { not: inner } : { [kind]: [inner] }), nameLeaf(object)),
    );
/** Filters right at and over the condition limit. */
const wideFilter = (object: CompiledObject) =>
  fc
    .integer({ min: MAX_CONDITIONS - 2, max: MAX_CONDITIONS + 2 })
    .map((n) => ({ and: Array.from({ length: n }, () => nameLeaf(object)) }));

/** The filter as the API gets it: a JSON string, or already parsed. */
const asInput = (filter: fc.Arbitrary<unknown>) =>
  fc.tuple(filter, fc.boolean()).map(([f, text]) => (text ? (JSON.stringify(f) ?? f) : f));

const RUNS = 2000;

describe('filter parser: any input is a tree or a 400 naming field, code and message', () => {
  const anyInput = (object: CompiledObject) =>
    fc.oneof(
      asInput(hostileNode),
      fc.jsonValue(),
      fc.jsonValue({ stringUnit: 'binary' }),
      fc.anything().map((v) => JSON.stringify(v) ?? v),
      fc.anything({ withNullPrototype: true, withObjectString: true, withBoxedValues: true }),
      fc.string({ maxLength: 60 }),
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.constantFrom(
        '{',
        '{"a":',
        'null',
        '[]',
        '""',
        '"x"',
        '{}',
        '{"and":[]}',
        '{"or":{}}',
        '{"not":null}',
        '{"__proto__":{"eq":1}}',
        '{"constructor":{"prototype":{}}}',
        '{"name":{"__proto__":"x"}}',
      ),
      asInput(deepFilter(object)),
      asInput(wideFilter(object)),
    );
  for (const object of OBJECTS) {
    it(`${object.def.apiName}: never throws anything but a 400 Problem, and what it accepts compiles to bound SQL`, () => {
      fc.assert(
        fc.property(anyInput(object), (input) => {
          const tree = parseOrRefuse(object, input);
          if (tree !== REFUSED && tree !== undefined) checkCompiledSql(object, tree);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('refuses filters nested deeper than the limit and accepts the limit itself', () => {
    const object = OBJECTS[0]!;
    const nest = (n: number) =>
      Array.from({ length: n }).reduce<unknown>((inner) => ({ not: inner }), nameLeaf(object));
    expect(parseOrRefuse(object, nest(MAX_DEPTH))).not.toBe(REFUSED);
    expect(parseOrRefuse(object, nest(MAX_DEPTH + 1))).toBe(REFUSED);
    expect(
      parseOrRefuse(object, { and: Array.from({ length: MAX_CONDITIONS }, () => ({ amount: { gte: 1 } })) }),
    ).not.toBe(REFUSED);
    expect(
      parseOrRefuse(object, { and: Array.from({ length: MAX_CONDITIONS + 1 }, () => ({ amount: { gte: 1 } })) }),
    ).toBe(REFUSED);
    expect(parseOrRefuse(object, { stage: { in: Array(MAX_IN_VALUES).fill('proposal') } })).not.toBe(REFUSED);
    expect(parseOrRefuse(object, { stage: { in: Array(MAX_IN_VALUES + 1).fill('proposal') } })).toBe(REFUSED);
  });

  it('refuses keys that name prototype members, columns that are not fields, and SQL', () => {
    for (const object of OBJECTS) {
      for (const key of [
        ...PROTOTYPE_KEYS,
        ...SQLI,
        'deleted_at',
        'billing_address__city',
        `r.${fieldNames(object)[0]}`,
      ]) {
        expect(parseOrRefuse(object, JSON.stringify({ [key]: { eq: 'x' } })), key).toBe(REFUSED);
        expect(
          parseOrRefuse(object, { [fieldNames(object)[0]!]: JSON.parse(JSON.stringify({ [key]: 'x' })) }),
          key,
        ).toBe(REFUSED);
      }
    }
  });
});

describe('filter compiler: values only ever travel as bindings', () => {
  /**
   * Conditions over real fields and operators with arbitrary strings and numbers, and the values
   * they carry. Text fields take any string and numeric fields any number in range, so most of
   * these are accepted; other fields get a mix of arbitrary and valid values.
   */
  function valueProbe(object: CompiledObject) {
    const fields = [...object.fields.values(), ...Object.values(SYSTEM_FIELDS)].filter((f) =>
      operatorsOf(f).some((op) => op !== 'isNull'),
    );
    const numbers = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.constantFrom(123, 4567.89, -1000, 2147483647),
    );
    const valueFor = (field: CompiledField | SystemField): fc.Arbitrary<unknown> => {
      const type = 'system' in field ? field.kind : field.def.type;
      if (type === 'text' || type === 'textarea') return anyText;
      if (type === 'integer' || type === 'currency' || type === 'percent' || type === 'number') {
        return fc.oneof({ weight: 3, arbitrary: validScalar(field) }, { weight: 1, arbitrary: numbers });
      }
      return fc.oneof(
        { weight: 3, arbitrary: validScalar(field) },
        { weight: 1, arbitrary: fc.oneof(anyText, numbers) },
      );
    };
    const condition = fc.constantFrom(...fields).chain((field) =>
      fc
        .tuple(
          fc.constantFrom(...operatorsOf(field).filter((op) => op !== 'isNull')),
          fc.array(valueFor(field), { minLength: 1, maxLength: 3 }),
        )
        .map(([op, values]) => {
          const name = 'system' in field ? field.name : field.def.apiName;
          const v = op === 'in' || op === 'nin' ? values : op === 'between' ? [values[0], values.at(-1)] : values[0];
          const used =
            op === 'in' || op === 'nin' ? values : op === 'between' ? [values[0], values.at(-1)] : [values[0]];
          return { filter: { [name]: { [op]: v } }, values: used };
        }),
    );
    return fc.array(condition, { minLength: 1, maxLength: 4 }).chain((conds) =>
      fc.constantFrom('and', 'or', 'not-each').map((shape) => ({
        filter:
          shape === 'not-each'
            ? { and: conds.map((c) => ({ not: c.filter })) }
            : { [shape]: conds.map((c) => c.filter) },
        values: conds.flatMap((c) => c.values),
      })),
    );
  }

  for (const object of OBJECTS) {
    it(`${object.def.apiName}: no input string or number shows up in the SQL text; one $n per binding`, () => {
      let accepted = 0;
      let probes = 0;
      fc.assert(
        fc.property(valueProbe(object), ({ filter, values }) => {
          probes++;
          const tree = parseOrRefuse(object, filter);
          if (tree === REFUSED || tree === undefined) return;
          accepted++;
          const { sql } = checkCompiledSql(object, tree);
          // The SQL text depends only on fields and operators, never on the values.
          const skeleton = toNative(object, withoutValues(tree)).sql;
          expect(sql).toBe(skeleton);
          for (const v of values) {
            const text = String(v);
            // a value that happens to spell a keyword or identifier of the value-free SQL proves nothing
            if (text.length >= 3 && !skeleton.includes(text))
              expect(sql, `value ${JSON.stringify(v)}`).not.toContain(text);
          }
        }),
        { numRuns: RUNS },
      );
      // The property must not pass vacuously: arbitrary text is a valid value of text fields.
      expect(accepted / probes).toBeGreaterThan(0.1);
    });
  }

  it('SQL-injection strings as values of every text operator stay bindings, unchanged or LIKE-escaped', () => {
    const object = compiled.objects.get('opportunity')!;
    for (const text of SQLI) {
      for (const op of ['eq', 'ne', 'contains', 'startsWith'] as const) {
        const tree = parseOrRefuse(object, { name: { [op]: text } });
        expect(tree).not.toBe(REFUSED);
        const { sql, bindings } = checkCompiledSql(object, tree as FilterNode);
        const skeleton = toNative(object, withoutValues(tree as FilterNode)).sql;
        expect(sql).toBe(skeleton);
        // "$1" is also the placeholder itself: only text the value-free SQL lacks can prove a leak
        if (!skeleton.includes(text)) expect(sql).not.toContain(text);
        const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
        expect(bindings).toEqual([op === 'contains' ? `%${escaped}%` : op === 'startsWith' ? `${escaped}%` : text]);
      }
    }
  });
});

describe('filter parser: well-formed filters over real fields are accepted', () => {
  for (const object of OBJECTS) {
    it(`${object.def.apiName}: every generated filter with values of the fields' types parses and compiles`, () => {
      fc.assert(
        fc.property(asInput(filterTree(validLeaf(object), 3)), (input) => {
          let tree: FilterNode | undefined;
          try {
            tree = parseFilter(object, input);
          } catch (e) {
            throw new Error(`refused a valid filter: ${e instanceof Problem ? JSON.stringify(e.errors) : String(e)}`, {
              cause: e,
            });
          }
          expect(tree).toBeDefined();
          checkCompiledSql(object, tree!);
        }),
        { numRuns: 1000 },
      );
    });
  }
});

describe('empty condition objects', () => {
  // knex drops an empty group from the SQL, so {"not":{"amount":{}}} would list every record
  // instead of none: an empty condition object is refused like an empty filter.
  it('are refused like an empty filter', () => {
    const object = OBJECTS[0]!;
    for (const filter of [{ amount: {} }, { not: { amount: {} } }, { or: [{ amount: {} }, { name: 'x' }] }]) {
      expect(parseOrRefuse(object, filter), JSON.stringify(filter)).toBe(REFUSED);
    }
  });
});
