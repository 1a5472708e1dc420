import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILTER_OPERATORS, type AggregateFn, type FilterOperator } from '../src/fields/field-type.js';
import { FIELD_TYPE_DEFS, FIELD_TYPES, type FieldType } from '../src/fields/index.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * The contract of every field type against a real database: one object holds a field of each
 * type. For each type a batch of records (tagged with the type's name) is written and read back,
 * filtered with every operator the type's module declares, sorted and paged, changed, and fed
 * values it must refuse without writing anything. What the module says of its values is checked
 * too: grouping and aggregates, global search, and a round trip through CSV export and import.
 */

const TARGET = 'ftc_target';
const WIDGET = 'ftc_widget';
const RECORDS = '/api/v1/records';

interface Targets {
  t1: string;
  t2: string;
  t3: string;
}
interface OpCase {
  op: FilterOperator;
  value: unknown;
  /** Keys of the batch records the filter must return, exactly. */
  expect: string[];
}
interface Spec {
  settings?: Record<string, unknown>;
  /** The batch: key → value written (undefined leaves the field out of the body). */
  values(t: Targets): Record<string, unknown>;
  /** Expected read-back where it differs from what was written. */
  read?: Record<string, unknown>;
  /** What a record without a value reads back as. */
  empty?: unknown;
  ops(t: Targets): OpCase[];
  /** A value written by PATCH over `from`, and what it reads back as; 'readOnly' when clients cannot write it. */
  patch: ((t: Targets) => { from: unknown; to: unknown; read?: unknown }) | 'readOnly';
  /** Values to refuse, and the error code; `json` is the value as JSON text when JSON.stringify cannot make it. */
  invalid(t: Targets): ({ value: unknown; code: string } | { json: string; code: string })[];
  /**
   * A global search and the batch keys it finds: required for a type its module says search
   * matches; for other types, text of a value that search must not find.
   */
  search?: { q: string; expect: string[] };
}

/** [[[… 'bottom' …]]], `depth` arrays deep. */
function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

const fieldName = (type: FieldType) => `f_${type.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;

/**
 * Computed types (formula, rollup) take their values from other fields and records, so they have
 * a suite of their own; listing them here keeps this file failing for any type that has neither.
 */
type ComputedType = 'formula' | 'rollup';
type ContractType = Exclude<FieldType, ComputedType>;
const OWN_SUITES: Record<ComputedType, string> = {
  formula: 'formula-rollup.test.ts',
  rollup: 'formula-rollup.test.ts',
};
const CONTRACT_TYPES = FIELD_TYPES.filter((t): t is ContractType => !(t in OWN_SUITES));

const SPECS: Record<ContractType, Spec> = {
  text: {
    settings: { maxLength: 20 },
    search: { q: 'amma 100', expect: ['c'] },
    values: () => ({ a: 'alpha', b: 'beta', c: 'gamma 100%', d: undefined, e: 'under_score', f: '' }),
    ops: () => [
      { op: 'eq', value: 'beta', expect: ['b'] },
      { op: 'eq', value: '', expect: ['f'] },
      { op: 'ne', value: 'beta', expect: ['a', 'c', 'd', 'e', 'f'] },
      { op: 'in', value: ['alpha', 'gamma 100%', 'zeta'], expect: ['a', 'c'] },
      { op: 'nin', value: ['alpha', 'beta'], expect: ['c', 'd', 'e', 'f'] },
      { op: 'contains', value: 'ETA', expect: ['b'] },
      { op: 'contains', value: '%', expect: ['c'] },
      { op: 'contains', value: '_', expect: ['e'] },
      { op: 'startsWith', value: 'AL', expect: ['a'] },
      { op: 'startsWith', value: 'gamma 1', expect: ['c'] },
      { op: 'isNull', value: true, expect: ['d'] },
      { op: 'isNull', value: false, expect: ['a', 'b', 'c', 'e', 'f'] },
    ],
    patch: () => ({ from: 'before', to: 'after, with 多字节' }),
    invalid: () => [
      { value: 'x'.repeat(21), code: 'maxLength' },
      { value: 42, code: 'type' },
      { value: 'nul\u0000byte', code: 'invalidCharacter' },
      { value: 'lone \ud800 surrogate', code: 'invalidCharacter' },
    ],
  },
  textarea: {
    settings: { maxLength: 100 },
    search: { q: 'second line', expect: [] },
    values: () => ({ a: 'first line\nsecond line', b: 'Another\ttab', c: undefined, d: '' }),
    read: { d: null },
    ops: () => [
      { op: 'contains', value: 'SECOND', expect: ['a'] },
      { op: 'contains', value: '\t', expect: ['b'] },
      { op: 'startsWith', value: 'another', expect: ['b'] },
      { op: 'isNull', value: true, expect: ['c', 'd'] },
      { op: 'isNull', value: false, expect: ['a', 'b'] },
    ],
    patch: () => ({ from: 'one line', to: 'one line\ntwo lines' }),
    invalid: () => [
      { value: 'x'.repeat(101), code: 'maxLength' },
      { value: ['x'], code: 'type' },
      { value: 'a\u0000', code: 'invalidCharacter' },
    ],
  },
  richtext: {
    settings: { maxLength: 200 },
    search: { q: 'Hello <b>', expect: [] },
    values: () => ({
      a: '<p>Hello <b>world</b></p>',
      b: '<ul><li>one</li></ul><script>alert(1)</script>',
      c: undefined,
    }),
    ops: () => [
      { op: 'contains', value: 'WORLD', expect: ['a'] },
      { op: 'contains', value: '<li>', expect: ['b'] },
      { op: 'startsWith', value: '<p>', expect: ['a'] },
      { op: 'isNull', value: true, expect: ['c'] },
      { op: 'isNull', value: false, expect: ['a', 'b'] },
    ],
    patch: () => ({ from: '<p>a</p>', to: '<h1>b</h1><p>c &amp; d</p>' }),
    invalid: () => [
      { value: 'x'.repeat(201), code: 'maxLength' },
      { value: { html: '<p>' }, code: 'type' },
    ],
  },
  email: {
    search: { q: 'EXAMPLE.c', expect: ['a'] },
    values: () => ({ a: 'Ann@Example.com', b: 'bob@test.org', c: undefined }),
    read: { a: 'ann@example.com' },
    ops: () => [
      { op: 'eq', value: 'ANN@example.COM', expect: ['a'] },
      { op: 'ne', value: 'bob@test.org', expect: ['a', 'c'] },
      { op: 'in', value: ['ann@example.com', 'nobody@example.com'], expect: ['a'] },
      { op: 'nin', value: ['ann@example.com'], expect: ['b', 'c'] },
      { op: 'contains', value: '@EXAMPLE', expect: ['a'] },
      { op: 'startsWith', value: 'bo', expect: ['b'] },
      { op: 'isNull', value: true, expect: ['c'] },
      { op: 'isNull', value: false, expect: ['a', 'b'] },
    ],
    patch: () => ({ from: 'old@example.com', to: 'New.Person@Example.COM', read: 'new.person@example.com' }),
    invalid: () => [
      { value: 'not-an-email', code: 'format' },
      { value: `${'a'.repeat(250)}@b.co`, code: 'maxLength' },
    ],
  },
  phone: {
    search: { q: '0199 x1', expect: ['b'] },
    values: () => ({ a: '212 555 0100', b: '415-555-0199 x12', c: undefined }),
    ops: () => [
      { op: 'eq', value: '212 555 0100', expect: ['a'] },
      { op: 'ne', value: '212 555 0100', expect: ['b', 'c'] },
      { op: 'in', value: ['212 555 0100', '415-555-0199 x12'], expect: ['a', 'b'] },
      { op: 'nin', value: ['212 555 0100'], expect: ['b', 'c'] },
      { op: 'contains', value: '0199', expect: ['b'] },
      { op: 'startsWith', value: '212', expect: ['a'] },
      { op: 'isNull', value: true, expect: ['c'] },
      { op: 'isNull', value: false, expect: ['a', 'b'] },
    ],
    patch: () => ({ from: '111', to: '+44 (20) 7946-0000' }),
    invalid: () => [
      { value: 'call me', code: 'pattern' },
      { value: '1'.repeat(41), code: 'maxLength' },
    ],
  },
  url: {
    search: { q: 'beta.example/sea', expect: ['b'] },
    values: () => ({ a: 'https://alpha.example/path', b: 'https://beta.example/search?q=a%20b&x=1', c: undefined }),
    ops: () => [
      { op: 'eq', value: 'https://alpha.example/path', expect: ['a'] },
      { op: 'ne', value: 'https://alpha.example/path', expect: ['b', 'c'] },
      { op: 'in', value: ['https://beta.example/search?q=a%20b&x=1'], expect: ['b'] },
      { op: 'nin', value: ['https://beta.example/search?q=a%20b&x=1'], expect: ['a', 'c'] },
      { op: 'contains', value: 'Q=A%20', expect: ['b'] },
      { op: 'startsWith', value: 'https://alpha', expect: ['a'] },
      { op: 'isNull', value: true, expect: ['c'] },
      { op: 'isNull', value: false, expect: ['a', 'b'] },
    ],
    patch: () => ({ from: 'http://a.example', to: 'https://b.example/p?q=1#frag' }),
    invalid: () => [
      { value: 'javascript:alert(1)', code: 'pattern' },
      { value: 'https://bad host/', code: 'format' },
    ],
  },
  integer: {
    values: () => ({ a: -5, b: 0, c: 42, d: 2147483647, e: undefined, f: 42, g: -2147483648 }),
    ops: () => [
      { op: 'eq', value: 0, expect: ['b'] },
      { op: 'eq', value: 42, expect: ['c', 'f'] },
      { op: 'ne', value: 0, expect: ['a', 'c', 'd', 'e', 'f', 'g'] },
      { op: 'gt', value: 0, expect: ['c', 'd', 'f'] },
      { op: 'gte', value: 42, expect: ['c', 'd', 'f'] },
      { op: 'lt', value: 0, expect: ['a', 'g'] },
      { op: 'lte', value: 0, expect: ['a', 'b', 'g'] },
      { op: 'in', value: [-5, 42], expect: ['a', 'c', 'f'] },
      { op: 'nin', value: [42], expect: ['a', 'b', 'd', 'e', 'g'] },
      { op: 'between', value: [0, 42], expect: ['b', 'c', 'f'] },
      { op: 'isNull', value: true, expect: ['e'] },
      { op: 'isNull', value: false, expect: ['a', 'b', 'c', 'd', 'f', 'g'] },
    ],
    patch: () => ({ from: 1, to: -7 }),
    invalid: () => [
      { value: 1.5, code: 'type' },
      { value: '5', code: 'type' },
      { value: 2147483648, code: 'maximum' },
    ],
  },
  number: {
    settings: { precision: 12, scale: 3 },
    values: () => ({ a: 1234.567, b: -0.5, c: 0, d: undefined, e: 999999999.999 }),
    ops: () => [
      { op: 'eq', value: 1234.567, expect: ['a'] },
      { op: 'ne', value: 0, expect: ['a', 'b', 'd', 'e'] },
      { op: 'gt', value: 0, expect: ['a', 'e'] },
      { op: 'gte', value: 0, expect: ['a', 'c', 'e'] },
      { op: 'lt', value: 0, expect: ['b'] },
      { op: 'lte', value: -0.5, expect: ['b'] },
      { op: 'in', value: [0, -0.5], expect: ['b', 'c'] },
      { op: 'nin', value: [0], expect: ['a', 'b', 'd', 'e'] },
      { op: 'between', value: [-1, 1234.567], expect: ['a', 'b', 'c'] },
      { op: 'isNull', value: true, expect: ['d'] },
      { op: 'isNull', value: false, expect: ['a', 'b', 'c', 'e'] },
    ],
    patch: () => ({ from: 1.5, to: 2.25 }),
    invalid: () => [
      { value: 1e9, code: 'exclusiveMaximum' },
      // rounds up to 1000000000.000, which numeric(12,3) cannot hold
      { value: 999999999.9995, code: 'exclusiveMaximum' },
      { value: -999999999.9995, code: 'exclusiveMinimum' },
      { value: 'abc', code: 'type' },
    ],
  },
  currency: {
    values: () => ({ a: 19.99, b: 1000000.5, c: -3.25, d: undefined, e: 0.1 }),
    ops: () => [
      { op: 'eq', value: 0.1, expect: ['e'] },
      { op: 'ne', value: 19.99, expect: ['b', 'c', 'd', 'e'] },
      { op: 'gt', value: 19.99, expect: ['b'] },
      { op: 'gte', value: 19.99, expect: ['a', 'b'] },
      { op: 'lt', value: 0, expect: ['c'] },
      { op: 'lte', value: 0.1, expect: ['c', 'e'] },
      { op: 'in', value: [19.99, -3.25], expect: ['a', 'c'] },
      { op: 'nin', value: [1000000.5], expect: ['a', 'c', 'd', 'e'] },
      { op: 'between', value: [0.1, 19.99], expect: ['a', 'e'] },
      { op: 'isNull', value: true, expect: ['d'] },
      { op: 'isNull', value: false, expect: ['a', 'b', 'c', 'e'] },
    ],
    patch: () => ({ from: 10, to: 99.99 }),
    invalid: () => [
      { value: '19.99', code: 'type' },
      { value: 1e16, code: 'exclusiveMaximum' },
    ],
  },
  percent: {
    values: () => ({ a: 12.5, b: 100, c: 0.25, d: undefined, e: -50 }),
    ops: () => [
      { op: 'eq', value: 100, expect: ['b'] },
      { op: 'ne', value: 100, expect: ['a', 'c', 'd', 'e'] },
      { op: 'gt', value: 12.5, expect: ['b'] },
      { op: 'gte', value: 12.5, expect: ['a', 'b'] },
      { op: 'lt', value: 0.25, expect: ['e'] },
      { op: 'lte', value: 0.25, expect: ['c', 'e'] },
      { op: 'in', value: [0.25, -50], expect: ['c', 'e'] },
      { op: 'nin', value: [0.25, -50], expect: ['a', 'b', 'd'] },
      { op: 'between', value: [0, 12.5], expect: ['a', 'c'] },
      { op: 'isNull', value: true, expect: ['d'] },
      { op: 'isNull', value: false, expect: ['a', 'b', 'c', 'e'] },
    ],
    patch: () => ({ from: 5, to: 33.33 }),
    invalid: () => [
      { value: 100000, code: 'exclusiveMaximum' },
      { value: 99999.995, code: 'exclusiveMaximum' },
      { value: true, code: 'type' },
    ],
  },
  boolean: {
    values: () => ({ a: true, b: false, c: undefined, d: true }),
    ops: () => [
      { op: 'eq', value: true, expect: ['a', 'd'] },
      { op: 'eq', value: false, expect: ['b'] },
      { op: 'ne', value: true, expect: ['b', 'c'] },
      { op: 'isNull', value: true, expect: ['c'] },
      { op: 'isNull', value: false, expect: ['a', 'b', 'd'] },
    ],
    patch: () => ({ from: false, to: true }),
    invalid: () => [
      { value: 'yes', code: 'type' },
      { value: 1, code: 'type' },
    ],
  },
  date: {
    values: () => ({ a: '2024-01-15', b: '2024-02-29', c: '1999-12-31', d: undefined, e: '0001-01-01' }),
    ops: () => [
      { op: 'eq', value: '2024-02-29', expect: ['b'] },
      { op: 'ne', value: '2024-02-29', expect: ['a', 'c', 'd', 'e'] },
      { op: 'gt', value: '2024-01-15', expect: ['b'] },
      { op: 'gte', value: '2024-01-15', expect: ['a', 'b'] },
      { op: 'lt', value: '2000-01-01', expect: ['c', 'e'] },
      { op: 'lte', value: '1999-12-31', expect: ['c', 'e'] },
      { op: 'in', value: ['2024-01-15', '0001-01-01'], expect: ['a', 'e'] },
      { op: 'nin', value: ['2024-01-15', '0001-01-01'], expect: ['b', 'c', 'd'] },
      { op: 'between', value: ['1999-12-31', '2024-01-15'], expect: ['a', 'c'] },
      { op: 'isNull', value: true, expect: ['d'] },
      { op: 'isNull', value: false, expect: ['a', 'b', 'c', 'e'] },
    ],
    patch: () => ({ from: '2020-01-01', to: '2021-12-31' }),
    invalid: () => [
      { value: '2024-02-30', code: 'format' },
      { value: '2024-1-5', code: 'format' },
      // the format allows year 0, Postgres does not
      { value: '0000-01-01', code: 'pattern' },
      { value: 20240105, code: 'type' },
    ],
  },
  datetime: {
    values: () => ({
      a: '2024-03-10T15:30:00+02:00',
      b: '2024-01-01T00:00:00Z',
      c: '2024-03-10T13:30:00.123456Z',
      d: undefined,
      e: '1969-07-20T16:17:40-04:00',
    }),
    read: {
      a: '2024-03-10T13:30:00.000Z',
      b: '2024-01-01T00:00:00.000Z',
      c: '2024-03-10T13:30:00.123Z',
      e: '1969-07-20T20:17:40.000Z',
    },
    ops: () => [
      { op: 'eq', value: '2024-03-10T13:30:00Z', expect: ['a'] },
      // the value as read back finds the record again
      { op: 'eq', value: '2024-03-10T13:30:00.123Z', expect: ['c'] },
      { op: 'eq', value: '2024-03-10T14:30:00.123+01:00', expect: ['c'] },
      { op: 'ne', value: '2024-03-10T13:30:00Z', expect: ['b', 'c', 'd', 'e'] },
      { op: 'gt', value: '2024-03-10T13:30:00Z', expect: ['c'] },
      { op: 'gte', value: '2024-03-10T13:30:00Z', expect: ['a', 'c'] },
      { op: 'lt', value: '2024-01-01T00:00:00Z', expect: ['e'] },
      { op: 'lte', value: '2024-01-01T01:00:00+01:00', expect: ['b', 'e'] },
      { op: 'in', value: ['2024-03-10T13:30:00Z', '2024-01-01T00:00:00.000Z'], expect: ['a', 'b'] },
      { op: 'nin', value: ['2024-03-10T13:30:00Z', '2024-01-01T00:00:00.000Z'], expect: ['c', 'd', 'e'] },
      { op: 'between', value: ['2024-01-01T00:00:00Z', '2024-03-10T13:30:00Z'], expect: ['a', 'b'] },
      { op: 'isNull', value: true, expect: ['d'] },
      { op: 'isNull', value: false, expect: ['a', 'b', 'c', 'e'] },
    ],
    patch: () => ({ from: '2020-01-01T00:00:00Z', to: '2021-06-01T12:00:00-05:00', read: '2021-06-01T17:00:00.000Z' }),
    invalid: () => [
      { value: '2024-03-10 15:30', code: 'format' },
      // valid RFC 3339, refused by Postgres: caught by the format, not by the database
      { value: '2024-01-01T00:00:00+20:00', code: 'format' },
      { value: '2024-01-01T23:59:60.5Z', code: 'format' },
      { value: 'yesterday', code: 'format' },
      { value: '2024-03-10', code: 'format' },
      { value: '0000-06-01T00:00:00Z', code: 'pattern' },
    ],
  },
  time: {
    values: () => ({ a: '09:30', b: '13:45:30', c: '23:59:59.5', d: undefined, e: '00:00' }),
    read: { a: '09:30:00', e: '00:00:00' },
    ops: () => [
      { op: 'eq', value: '09:30', expect: ['a'] },
      { op: 'eq', value: '13:45:30', expect: ['b'] },
      { op: 'ne', value: '09:30:00', expect: ['b', 'c', 'd', 'e'] },
      { op: 'gt', value: '13:45:30', expect: ['c'] },
      { op: 'gte', value: '13:45:30', expect: ['b', 'c'] },
      { op: 'lt', value: '09:30', expect: ['e'] },
      { op: 'lte', value: '09:30', expect: ['a', 'e'] },
      { op: 'in', value: ['00:00', '23:59:59.5'], expect: ['c', 'e'] },
      { op: 'nin', value: ['00:00'], expect: ['a', 'b', 'c', 'd'] },
      { op: 'between', value: ['09:00', '14:00'], expect: ['a', 'b'] },
      { op: 'isNull', value: true, expect: ['d'] },
      { op: 'isNull', value: false, expect: ['a', 'b', 'c', 'e'] },
    ],
    patch: () => ({ from: '08:00', to: '17:30:15' }),
    invalid: () => [
      { value: '24:00', code: 'pattern' },
      { value: '9:30', code: 'pattern' },
    ],
  },
  picklist: {
    settings: { values: [{ value: 'alpha' }, { value: 'beta' }, { value: 'gamma' }] },
    search: { q: 'gamm', expect: ['d'] },
    values: () => ({ a: 'beta', b: 'alpha', c: undefined, d: 'gamma', e: 'beta' }),
    ops: () => [
      { op: 'eq', value: 'beta', expect: ['a', 'e'] },
      { op: 'ne', value: 'beta', expect: ['b', 'c', 'd'] },
      { op: 'in', value: ['alpha', 'gamma'], expect: ['b', 'd'] },
      { op: 'nin', value: ['beta'], expect: ['b', 'c', 'd'] },
      { op: 'isNull', value: true, expect: ['c'] },
      { op: 'isNull', value: false, expect: ['a', 'b', 'd', 'e'] },
    ],
    patch: () => ({ from: 'alpha', to: 'gamma' }),
    invalid: () => [
      { value: 'maybe', code: 'enum' },
      { value: 'Alpha', code: 'enum' },
    ],
  },
  multipicklist: {
    settings: { values: [{ value: 'red' }, { value: 'green' }, { value: 'blue' }] },
    values: () => ({ a: ['red', 'green'], b: ['blue'], c: ['red', 'green', 'blue'], d: [], e: undefined }),
    empty: [],
    ops: () => [
      // in = has any of, nin = has none of, contains = has all of
      { op: 'in', value: ['green'], expect: ['a', 'c'] },
      { op: 'in', value: ['blue', 'green'], expect: ['a', 'b', 'c'] },
      { op: 'nin', value: ['blue'], expect: ['a', 'd', 'e'] },
      { op: 'nin', value: ['red', 'blue'], expect: ['d', 'e'] },
      { op: 'contains', value: ['green', 'red'], expect: ['a', 'c'] },
      { op: 'contains', value: ['blue'], expect: ['b', 'c'] },
      { op: 'contains', value: ['blue', 'red'], expect: ['c'] },
      { op: 'isNull', value: true, expect: ['d', 'e'] },
      { op: 'isNull', value: false, expect: ['a', 'b', 'c'] },
    ],
    patch: () => ({ from: ['red'], to: ['green', 'blue'] }),
    invalid: () => [
      { value: ['purple'], code: 'enum' },
      { value: 'red', code: 'type' },
      { value: ['red', 'red'], code: 'uniqueItems' },
    ],
  },
  lookup: {
    settings: { target: TARGET },
    values: ({ t1, t2 }) => ({ a: t1, b: t2, c: undefined, d: t1 }),
    ops: ({ t1, t2 }) => [
      { op: 'eq', value: t1, expect: ['a', 'd'] },
      { op: 'ne', value: t1, expect: ['b', 'c'] },
      { op: 'in', value: [t1, t2], expect: ['a', 'b', 'd'] },
      { op: 'nin', value: [t2], expect: ['a', 'c', 'd'] },
      { op: 'isNull', value: true, expect: ['c'] },
      { op: 'isNull', value: false, expect: ['a', 'b', 'd'] },
    ],
    patch: ({ t1, t2 }) => ({ from: t1, to: t2 }),
    invalid: () => [
      { value: 'not-a-uuid', code: 'format' },
      { value: 'urn:uuid:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', code: 'format' },
      { value: '00000000-0000-4000-8000-000000000000', code: 'reference' },
    ],
  },
  masterDetail: {
    settings: { target: TARGET },
    values: ({ t1, t2, t3 }) => ({ a: t1, b: t2, c: t3 }),
    ops: ({ t1, t2, t3 }) => [
      { op: 'eq', value: t2, expect: ['b'] },
      { op: 'ne', value: t2, expect: ['a', 'c'] },
      { op: 'in', value: [t1, t3], expect: ['a', 'c'] },
      { op: 'nin', value: [t1], expect: ['b', 'c'] },
      { op: 'isNull', value: true, expect: [] },
      { op: 'isNull', value: false, expect: ['a', 'b', 'c'] },
    ],
    patch: ({ t1, t3 }) => ({ from: t1, to: t3 }),
    invalid: () => [
      { value: 'not-a-uuid', code: 'format' },
      { value: 'urn:uuid:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', code: 'format' },
      { value: '00000000-0000-4000-8000-000000000000', code: 'reference' },
      { value: null, code: 'required' },
    ],
  },
  autonumber: {
    settings: { format: 'W-{0000}' },
    search: { q: 'w-0002', expect: ['b'] },
    // The engine numbers them: this batch is created first, so it holds the first three numbers.
    values: () => ({ a: undefined, b: undefined, c: undefined }),
    read: { a: 'W-0001', b: 'W-0002', c: 'W-0003' },
    ops: () => [
      { op: 'eq', value: 'W-0002', expect: ['b'] },
      { op: 'ne', value: 'W-0002', expect: ['a', 'c'] },
      { op: 'in', value: ['W-0001', 'W-0003', 'W-9999'], expect: ['a', 'c'] },
      { op: 'nin', value: ['W-0001'], expect: ['b', 'c'] },
      { op: 'contains', value: '0003', expect: ['c'] },
      { op: 'startsWith', value: 'w-000', expect: ['a', 'b', 'c'] },
      { op: 'isNull', value: true, expect: [] },
      { op: 'isNull', value: false, expect: ['a', 'b', 'c'] },
    ],
    patch: 'readOnly',
    invalid: () => [{ value: 'W-9999', code: 'readOnly' }],
  },
  json: {
    search: { q: 'just text', expect: [] },
    values: () => ({
      a: { name: 'x', nested: { list: [1, 2, { deep: true }] }, nothing: null },
      b: [1, 'two', null, { three: 3 }],
      c: 'just text',
      d: 0,
      e: false,
      f: undefined,
      g: null,
      h: nested(90),
    }),
    ops: () => [
      { op: 'isNull', value: true, expect: ['f', 'g'] },
      { op: 'isNull', value: false, expect: ['a', 'b', 'c', 'd', 'e', 'h'] },
    ],
    patch: () => ({ from: { a: 1 }, to: [1, { b: [true, null, 'ü'] }] }),
    invalid: () => [
      { value: { text: 'nul\u0000' }, code: 'invalidCharacter' },
      { value: { 'key\u0000': 1 }, code: 'invalidCharacter' },
      { value: ['\udc00'], code: 'invalidCharacter' },
      { value: nested(150), code: 'maxDepth' },
      { json: `${'['.repeat(5000)}${']'.repeat(5000)}`, code: 'maxDepth' },
    ],
  },
  address: {
    values: () => ({
      a: { street: '1 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' },
      b: { city: 'Paris' },
      c: undefined,
      d: {},
    }),
    read: { b: { street: null, city: 'Paris', state: null, postalCode: null, country: null }, d: null },
    ops: () => [
      { op: 'isNull', value: true, expect: ['c', 'd'] },
      { op: 'isNull', value: false, expect: ['a', 'b'] },
    ],
    patch: () => ({
      from: { city: 'Old Town', country: 'UK' },
      to: { street: '2 High St', city: 'Leeds', postalCode: 'LS1 4AP' },
      read: { street: '2 High St', city: 'Leeds', state: null, postalCode: 'LS1 4AP', country: null },
    }),
    invalid: () => [
      { value: { zip: '123' }, code: 'additionalProperties' },
      { value: { city: 5 }, code: 'type' },
      { value: 'Paris', code: 'type' },
      { value: { postalCode: '1'.repeat(21) }, code: 'maxLength' },
    ],
  },
  geolocation: {
    values: () => ({
      a: { latitude: 48.8566, longitude: 2.3522 },
      b: { latitude: -33.8688, longitude: 151.2093 },
      c: undefined,
      d: { latitude: 0, longitude: 0 },
    }),
    ops: () => [
      { op: 'isNull', value: true, expect: ['c'] },
      { op: 'isNull', value: false, expect: ['a', 'b', 'd'] },
    ],
    patch: () => ({ from: { latitude: 0, longitude: 0 }, to: { latitude: -12.5, longitude: 130.25 } }),
    invalid: () => [
      { value: { latitude: 91, longitude: 0 }, code: 'maximum' },
      { value: { latitude: 10 }, code: 'required' },
      { value: [1, 2], code: 'type' },
    ],
  },
};

let t: TestEngine;
let targets: Targets;
/** type → batch key → record id */
const batches = new Map<ContractType, Record<string, string>>();
/** Every widget created before the tests, in creation order, with the autonumber it got. */
const created: { id: string; autonumber: unknown }[] = [];
/** The body each create answered with, by id. */
const createdBodies = new Map<string, Record<string, unknown>>();

const widgetCount = async () =>
  (await t.sql<{ n: number }>(`select count(*)::int as n from "${t.schema}".${WIDGET}`))[0]!.n;

function bodyFor(type: ContractType, value: unknown, tag: string = type): Record<string, unknown> {
  const body: Record<string, unknown> = { tag };
  if (type !== 'masterDetail') body.f_master_detail = targets.t1;
  if (value !== undefined) body[fieldName(type)] = value;
  return body;
}

function expectedRead(type: ContractType, key: string): unknown {
  const spec = SPECS[type];
  if (spec.read && key in spec.read) return spec.read[key];
  const written = spec.values(targets)[key];
  return written === undefined || written === null ? (spec.empty ?? null) : written;
}

async function list(params: Record<string, string | number | undefined>) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, String(v));
  return t.api('GET', `${RECORDS}/${WIDGET}?${query}`);
}

/** Ids of the batch records of a type that match a condition, over every page. */
async function idsMatching(type: ContractType, condition: unknown): Promise<string[]> {
  const filter = JSON.stringify({ and: [{ tag: { eq: type } }, condition] });
  const res = await list({ filter, limit: 500 });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.nextCursor).toBeNull();
  return res.body.data.map((r: { id: string }) => r.id);
}

const keysToIds = (type: ContractType, keys: string[]) => keys.map((k) => batches.get(type)![k]!);
const sorted = (ids: string[]) => [...ids].sort();

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The order a list sorted by the field must come back in: nulls last ascending, first descending, ties by id. */
function expectedOrder(type: ContractType, desc: boolean): string[] {
  const ids = batches.get(type)!;
  const rows = Object.keys(ids).map((key) => ({ id: ids[key]!, value: expectedRead(type, key) }));
  rows.sort((p, q) => {
    const pn = p.value === null;
    const qn = q.value === null;
    let c = pn && qn ? 0 : pn ? 1 : qn ? -1 : compareValues(p.value, q.value);
    if (c === 0) c = compareValues(p.id, q.id);
    return desc ? -c : c;
  });
  return rows.map((r) => r.id);
}

async function exportCsv(query: URLSearchParams) {
  const res = await fetch(`${t.url}${RECORDS}/${WIDGET}/export?${query}`, {
    headers: { authorization: `Bearer ${t.token}` },
  });
  return { status: res.status, text: await res.text() };
}

/** Polls an import job until it is completed or failed (bounded: a stuck job fails the test). */
async function importCsv(body: string, mapping: Record<string, null>) {
  const query = new URLSearchParams({ mapping: JSON.stringify(mapping) });
  const res = await t.api('POST', `${RECORDS}/${WIDGET}/import?${query}`, body, { 'content-type': 'text/csv' });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  for (let i = 0; i < 600; i++) {
    const job = await t.api('GET', `/api/v1/imports/${res.body.id}`);
    if (job.body.status === 'completed' || job.body.status === 'failed') return job.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`import ${res.body.id} did not finish`);
}

/** A CSV line with every cell quoted, each kept exactly as it was read. */
const quotedLine = (cells: string[]) => cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(',') + '\r\n';

function expectProblem(res: { status: number; headers: Headers; body: any }, status: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body.status).toBe(status);
  expect(Array.isArray(res.body.errors)).toBe(true);
}

beforeAll(async () => {
  t = await startTestEngine();
  const target = await t.api('POST', '/api/v1/meta/objects', {
    apiName: TARGET,
    label: 'Contract target',
    pluralLabel: 'Contract targets',
    nameField: 'name',
    fields: [{ apiName: 'name', type: 'text', label: 'Name' }],
  });
  if (target.status !== 201) throw new Error(JSON.stringify(target.body));
  const widget = await t.api('POST', '/api/v1/meta/objects', {
    apiName: WIDGET,
    label: 'Widget',
    pluralLabel: 'Widgets',
    nameField: 'tag',
    fields: [
      { apiName: 'tag', type: 'text', label: 'Tag' },
      // Every field is marked searchable; global search matches only those whose type it can.
      ...CONTRACT_TYPES.map((type) => ({
        apiName: fieldName(type),
        type,
        label: type,
        searchable: true,
        ...SPECS[type].settings,
      })),
    ],
  });
  if (widget.status !== 201) throw new Error(JSON.stringify(widget.body));
  const published = await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true });
  if (published.status !== 201) throw new Error(JSON.stringify(published.body));

  const ids: string[] = [];
  for (const name of ['T1', 'T2', 'T3']) {
    const res = await t.api('POST', `${RECORDS}/${TARGET}`, { name });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    ids.push(res.body.id);
  }
  targets = { t1: ids[0]!, t2: ids[1]!, t3: ids[2]! };

  // autonumber first, so its batch holds W-0001 … W-0003
  for (const type of ['autonumber', ...CONTRACT_TYPES.filter((x) => x !== 'autonumber')] as ContractType[]) {
    const batch: Record<string, string> = {};
    for (const [key, value] of Object.entries(SPECS[type].values(targets))) {
      const res = await t.api('POST', `${RECORDS}/${WIDGET}`, bodyFor(type, value));
      if (res.status !== 201) throw new Error(`${type}.${key}: ${JSON.stringify(res.body)}`);
      batch[key] = res.body.id;
      created.push({ id: res.body.id, autonumber: res.body.f_autonumber });
      createdBodies.set(res.body.id, res.body);
    }
    batches.set(type, batch);
  }
});
afterAll(() => t?.close());

describe('field type contracts', () => {
  it('has a contract case for every registered field type, and nothing else', () => {
    expect([...Object.keys(SPECS), ...Object.keys(OWN_SUITES)].sort()).toEqual(Object.keys(FIELD_TYPE_DEFS).sort());
  });

  it('numbers every record in creation order (W-0001, W-0002, …)', () => {
    expect(created.length).toBeGreaterThan(50);
    expect(created.map((c) => c.autonumber)).toEqual(created.map((_c, i) => `W-${String(i + 1).padStart(4, '0')}`));
  });

  for (const type of CONTRACT_TYPES) {
    const name = fieldName(type);
    const def = FIELD_TYPE_DEFS[type];
    const operators = def.value!.operators;

    describe(type, () => {
      it('reads back exactly what was written (create, get and list)', async () => {
        const ids = batches.get(type)!;
        const listed = await list({ filter: JSON.stringify({ tag: { eq: type } }), limit: 500 });
        expect(listed.status).toBe(200);
        const byId = new Map(listed.body.data.map((r: Record<string, unknown>) => [r.id, r]));
        expect(byId.size).toBe(Object.keys(ids).length);
        for (const [key, id] of Object.entries(ids)) {
          const expected = expectedRead(type, key);
          const got = await t.api('GET', `${RECORDS}/${WIDGET}/${id}`);
          expect(got.status).toBe(200);
          // toStrictEqual: numbers come back as JSON numbers, not the strings pg gives for numeric
          expect(createdBodies.get(id)![name], `${type}.${key} as created`).toStrictEqual(expected);
          expect(got.body[name], `${type}.${key} via get`).toStrictEqual(expected);
          expect((byId.get(id) as Record<string, unknown>)[name], `${type}.${key} via list`).toStrictEqual(expected);
        }
      });

      it('filters with every operator its module declares, and refuses the others', async () => {
        const cases = SPECS[type].ops(targets);
        const tested = new Set<FilterOperator>();
        for (const c of cases) {
          const got = await idsMatching(type, { [name]: { [c.op]: c.value } });
          expect(sorted(got), `${type} ${c.op} ${JSON.stringify(c.value)}`).toEqual(sorted(keysToIds(type, c.expect)));
          tested.add(c.op);
        }
        // a type that gains an operator fails here until the operator has a case above
        expect([...tested].sort()).toEqual([...operators].sort());
        for (const op of FILTER_OPERATORS.filter((o) => !operators.includes(o))) {
          const res = await list({ filter: JSON.stringify({ [name]: { [op]: ['x'] } }) });
          expectProblem(res, 400);
          expect(res.body.errors[0]).toMatchObject({ field: `/${name}/${op}`, code: 'operator' });
        }
      });

      if (def.sortable) {
        it('sorts ascending (nulls last) and descending (nulls first), and pages through every row once', async () => {
          const filter = JSON.stringify({ tag: { eq: type } });
          for (const desc of [false, true]) {
            const sort = `${desc ? '-' : ''}${name}`;
            const expected = expectedOrder(type, desc);
            const whole = await list({ filter, sort, limit: 500 });
            expect(whole.status).toBe(200);
            expect(
              whole.body.data.map((r: { id: string }) => r.id),
              sort,
            ).toEqual(expected);

            const paged: string[] = [];
            let cursor: string | undefined;
            for (let page = 0; page < 20; page++) {
              const res = await list({ filter, sort, limit: 2, cursor });
              expect(res.status, JSON.stringify(res.body)).toBe(200);
              expect(res.body.data.length).toBeLessThanOrEqual(2);
              paged.push(...res.body.data.map((r: { id: string }) => r.id));
              cursor = res.body.nextCursor ?? undefined;
              if (!cursor) break;
            }
            expect(cursor).toBeUndefined();
            expect(paged, `${sort} in pages of 2`).toEqual(expected);
          }
        });
      } else {
        it('refuses to sort by it', async () => {
          const res = await list({ sort: name });
          expectProblem(res, 400);
          expect(res.body.errors[0]).toMatchObject({ field: 'sort', code: 'notSortable' });
        });
      }

      it('changes with PATCH and reads the change back', async () => {
        const spec = SPECS[type];
        if (spec.patch === 'readOnly') {
          const made = await t.api('POST', `${RECORDS}/${WIDGET}`, bodyFor(type, undefined, `${type}:patch`));
          expect(made.status).toBe(201);
          const refused = await t.api('PATCH', `${RECORDS}/${WIDGET}/${made.body.id}`, { [name]: 'X-1' });
          expectProblem(refused, 422);
          expect(refused.body.errors[0]).toMatchObject({ field: name, code: 'readOnly' });
          const changed = await t.api('PATCH', `${RECORDS}/${WIDGET}/${made.body.id}`, { tag: `${type}:patched` });
          expect(changed.status).toBe(200);
          expect(changed.body.tag).toBe(`${type}:patched`);
          expect(changed.body[name]).toBe(made.body[name]);
          expect(changed.body.version).toBe(2);
          return;
        }
        const { from, to, read } = spec.patch(targets);
        const made = await t.api('POST', `${RECORDS}/${WIDGET}`, bodyFor(type, from, `${type}:patch`));
        expect(made.status, JSON.stringify(made.body)).toBe(201);
        const changed = await t.api('PATCH', `${RECORDS}/${WIDGET}/${made.body.id}`, { [name]: to });
        expect(changed.status, JSON.stringify(changed.body)).toBe(200);
        expect(changed.body[name]).toStrictEqual(read ?? to);
        expect(changed.body.version).toBe(2);
        const reread = await t.api('GET', `${RECORDS}/${WIDGET}/${made.body.id}`);
        expect(reread.body[name]).toStrictEqual(read ?? to);
        expect(reread.headers.get('etag')).toBe('"2"');

        const cleared = await t.api('PATCH', `${RECORDS}/${WIDGET}/${made.body.id}`, { [name]: null });
        if (type === 'masterDetail') {
          expectProblem(cleared, 422);
          expect(cleared.body.errors[0]).toMatchObject({ field: name, code: 'required' });
          expect((await t.api('GET', `${RECORDS}/${WIDGET}/${made.body.id}`)).body[name]).toBe(read ?? to);
        } else {
          expect(cleared.status).toBe(200);
          expect(cleared.body[name]).toStrictEqual(SPECS[type].empty ?? null);
          expect((await t.api('GET', `${RECORDS}/${WIDGET}/${made.body.id}`)).body[name]).toStrictEqual(
            SPECS[type].empty ?? null,
          );
        }
      });

      it('refuses invalid values with 422 naming the field, and writes nothing', async () => {
        const victim = batches.get(type)!.a!;
        const before = await t.api('GET', `${RECORDS}/${WIDGET}/${victim}`);
        const rows = await widgetCount();
        const cases = SPECS[type].invalid(targets);
        expect(cases.length).toBeGreaterThan(0);
        for (const c of cases) {
          const { code } = c;
          const json = 'json' in c ? c.json : JSON.stringify(c.value);
          const label = `${type} ${json.slice(0, 60)}`;
          const body = `${JSON.stringify(bodyFor(type, undefined, `${type}:invalid`)).slice(0, -1)},"${name}":${json}}`;
          const res = await t.api('POST', `${RECORDS}/${WIDGET}`, body, { 'content-type': 'application/json' });
          expectProblem(res, 422);
          expect(res.body.errors[0].field, label).toBe(name);
          expect(
            res.body.errors.map((e: { code: string }) => e.code),
            label,
          ).toContain(code);

          const patched = await t.api('PATCH', `${RECORDS}/${WIDGET}/${victim}`, `{"${name}":${json}}`, {
            'content-type': 'application/json',
          });
          expectProblem(patched, 422);
          expect(patched.body.errors[0].field, label).toBe(name);
          expect(
            patched.body.errors.map((e: { code: string }) => e.code),
            label,
          ).toContain(code);
        }
        expect(await widgetCount()).toBe(rows);
        const after = await t.api('GET', `${RECORDS}/${WIDGET}/${victim}`);
        expect(after.body).toStrictEqual(before.body);
      });

      it('groups and aggregates as its module says, and refuses the rest with 400', async () => {
        const facts = def.value!;
        const keys = Object.keys(batches.get(type)!);
        const aggregate = (params: Record<string, string>) =>
          t.api(
            'GET',
            `${RECORDS}/${WIDGET}/aggregate?${new URLSearchParams({ filter: JSON.stringify({ tag: { eq: type } }), ...params })}`,
          );

        const grouped = await aggregate({ groupBy: name });
        if (facts.groupable) {
          expect(grouped.status, JSON.stringify(grouped.body)).toBe(200);
          const counts = new Map<string, number>();
          for (const key of keys) {
            const value = JSON.stringify(expectedRead(type, key));
            counts.set(value, (counts.get(value) ?? 0) + 1);
          }
          const got = grouped.body.data.map((r: Record<string, unknown>) => [JSON.stringify(r[name]), r.count]);
          expect(sorted(got.map(String))).toEqual(sorted([...counts].map(String)));
        } else {
          expectProblem(grouped, 400);
          expect(grouped.body.errors[0]).toMatchObject({ field: 'groupBy', code: 'notGroupable' });
        }

        const bucketed = await aggregate({ groupBy: `${name}:month` });
        if (facts.groupable && facts.temporal) expect(bucketed.status, JSON.stringify(bucketed.body)).toBe(200);
        else {
          expectProblem(bucketed, 400);
          expect(bucketed.body.errors[0]).toMatchObject({ field: 'groupBy' });
        }

        const values = keys.map((k) => expectedRead(type, k)).filter((v) => v !== null);
        const ordered = [...values].sort(compareValues);
        const numbers = values as number[];
        const sum = numbers.reduce((a, b) => a + b, 0);
        const expected: Record<AggregateFn, unknown> = {
          sum,
          avg: sum / numbers.length,
          min: ordered[0],
          max: ordered.at(-1),
        };
        for (const fn of ['sum', 'avg', 'min', 'max'] as const) {
          const metric = `${fn}:${name}`;
          const res = await aggregate({ metrics: metric });
          if (facts.aggregates.includes(fn)) {
            expect(res.status, JSON.stringify(res.body)).toBe(200);
            const got = res.body.data[0][metric];
            if (typeof got === 'number') expect(got, metric).toBeCloseTo(expected[fn] as number, 6);
            else expect(got, metric).toStrictEqual(expected[fn]);
          } else {
            expectProblem(res, 400);
            expect(res.body.errors[0]).toMatchObject({ field: 'metrics', code: 'type' });
          }
        }
      });

      it(def.textSearch ? 'is found by global search' : 'is left out of global search', async () => {
        const { search } = SPECS[type];
        // a type search can match needs a case; the others may show text search must not find
        if (def.textSearch) expect(search, `${type} has no search case`).toBeDefined();
        if (!search) return;
        const ids = new Set(Object.values(batches.get(type)!));
        const res = await t.api(
          'GET',
          `/api/v1/search?${new URLSearchParams({ q: search.q, objects: WIDGET, limit: '50' })}`,
        );
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        const found = res.body.data.flatMap((g: { records: { id: string }[] }) => g.records.map((r) => r.id));
        expect(sorted(found.filter((id: string) => ids.has(id)))).toEqual(sorted(keysToIds(type, search.expect)));
      });

      it('goes out to CSV and back in unchanged (an empty cell being no value)', async () => {
        const ids = batches.get(type)!;
        const query = new URLSearchParams({
          fields: [...new Set(['tag', 'f_master_detail', name])].join(','),
          filter: JSON.stringify({ tag: { eq: type } }),
        });
        const exported = await exportCsv(query);
        expect(exported.status, exported.text).toBe(200);
        const [header, ...rows]: string[][] = parse(exported.text);
        expect(rows.length).toBe(Object.keys(ids).length);
        const at = header!.indexOf(name);
        if (def.readOnly) {
          // Nothing to import: the cells are what reads answer.
          const cells = new Map(rows.map((r) => [r[0], r[at]]));
          for (const [key, id] of Object.entries(ids)) expect(cells.get(id), key).toBe(String(expectedRead(type, key)));
          return;
        }
        const tagAt = header!.indexOf('tag');
        const file = [header!, ...rows.map((r) => r.map((c, i) => (i === tagAt ? `${type}:csv` : c)))]
          .map(quotedLine)
          .join('');
        const job = await importCsv(file, { id: null });
        expect(job, JSON.stringify(job)).toMatchObject({ status: 'completed', rowsCreated: rows.length });
        const back = await list({ filter: JSON.stringify({ tag: { eq: `${type}:csv` } }), limit: 500 });
        const empty = JSON.stringify(SPECS[type].empty ?? null);
        const want = Object.keys(ids).map((k) => JSON.stringify(expectedRead(type, k)));
        expect(sorted(back.body.data.map((r: Record<string, unknown>) => JSON.stringify(r[name])))).toEqual(
          sorted(want.map((v) => (v === '""' ? empty : v))),
        );
      });
    });
  }
});
