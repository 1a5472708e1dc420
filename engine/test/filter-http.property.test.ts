import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompiledField, CompiledObject } from '../src/metadata/compile.js';
import { FILTER_OPERATORS } from '../src/fields/field-type.js';
import { SYSTEM_FIELDS } from '../src/query/filter-parser.js';
import { corpus, startTestEngine, type ApiResponse, type TestEngine } from './support/test-engine.js';

/**
 * Random filters through the real HTTP API and database: whatever the filter, a list answers 200
 * or a problem+json 400, never a 500. The parser's unit properties (src/query/
 * filter-parser.property.test.ts) check the tree and the SQL; this checks that what the parser
 * accepts, Postgres accepts too.
 */

let t: TestEngine;
let opportunity: CompiledObject;
let accountId: string;

beforeAll(async () => {
  t = await startTestEngine();
  opportunity = t.engine.metadata.compiled.objects.get('opportunity')!;
  const account = await t.api('POST', '/api/v1/records/account', { name: 'Filter Fuzz Ltd', industry: 'technology' });
  if (account.status !== 201) throw new Error(JSON.stringify(account.body));
  accountId = account.body.id;
  const stages = ['prospecting', 'proposal', 'closed_won', 'closed_lost'];
  for (let i = 0; i < 8; i++) {
    const res = await t.api('POST', '/api/v1/records/opportunity', {
      name: `Deal ${i} ' OR 1=1 --`,
      stage: stages[i % 4],
      amount: i * 1250.5,
      close_date: `2026-0${1 + (i % 9)}-1${i}`,
      account: i % 2 ? accountId : null,
      probability: i * 10,
    });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  }
});
afterAll(() => t?.close());

const SQLI = corpus('sqli.txt');
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

/** Percent-encodes UTF-8 bytes; a lone surrogate becomes U+FFFD on the way, as any client would send it. */
const encode = (text: string) =>
  [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

async function list(filter: string): Promise<ApiResponse> {
  return t.api('GET', `/api/v1/records/opportunity?filter=${encode(filter)}`);
}

/** 200 with a page, or 400 as problem+json naming what is wrong. */
function expectAnswered(res: ApiResponse, filter: string): void {
  expect([200, 400], `${res.status} for ${filter}: ${JSON.stringify(res.body)}`).toContain(res.status);
  if (res.status === 200) {
    expect(Array.isArray(res.body.data)).toBe(true);
  } else {
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.status).toBe(400);
    expect(res.body.errors.length).toBeGreaterThan(0);
    for (const e of res.body.errors)
      expect(e).toMatchObject({ field: expect.any(String), code: expect.any(String), message: expect.any(String) });
  }
}

// Mostly values Postgres takes, and some just past what it takes (offsets beyond ±15:59, spans past year 9999): those
// must be 400s.
const isoDate = fc
  .date({ min: new Date('0001-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const isoDateTime = fc
  .tuple(
    fc.date({ min: new Date('0001-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }),
    fc.constantFrom('Z', '+00:00', '+05:30', '-08:00', '+15:59', '-15:59', '+16:00', '-23:59'),
  )
  .map(([d, zone]) => d.toISOString().replace('Z', zone));
const dateLiteral = fc.oneof(
  fc.constantFrom('today', 'yesterday', 'tomorrow', 'this_week', 'last_month', 'next_quarter', 'this_year'),
  fc
    .tuple(
      fc.constantFrom('last_n', 'next_n'),
      fc.constantFrom('days', 'weeks', 'months', 'years'),
      fc.integer({ min: 0, max: 9999 }),
    )
    .map(([w, u, n]) => `${w}_${u}:${n}`),
);
const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.constantFrom(...SQLI),
);
const number = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, 999.99, 1e15, -1e15, 2147483647),
);

/** Values that are valid for the field most of the time, and hostile some of the time. */
function valueFor(field: CompiledField | (typeof SYSTEM_FIELDS)[string]): fc.Arbitrary<unknown> {
  const type = 'system' in field ? field.kind : field.def.type;
  const valid: fc.Arbitrary<unknown> =
    type === 'picklist'
      ? fc.constantFrom(...(('def' in field ? field.def.values : undefined) ?? []).map((v) => v.value))
      : type === 'uuid' || type === 'lookup'
        ? fc.oneof(
            fc.uuid(),
            fc.constant(accountId),
            fc.uuid().map((u) => `urn:uuid:${u}`),
          )
        : type === 'integer'
          ? fc.integer({ min: -2147483648, max: 2147483647 })
          : type === 'currency' || type === 'percent'
            ? fc.double({ min: -999, max: 999, noNaN: true })
            : type === 'date'
              ? fc.oneof(isoDate, dateLiteral)
              : type === 'datetime'
                ? fc.oneof(isoDate, isoDateTime, dateLiteral)
                : text;
  return fc.oneof(
    { weight: 8, arbitrary: valid },
    { weight: 1, arbitrary: fc.oneof(text, number, fc.boolean(), fc.constant(null)) },
  );
}

// What the parser lets each system column take (SYSTEM_OPERATORS in filter-parser.ts).
const SYSTEM_OPERATORS: Record<string, readonly string[]> = {
  uuid: ['eq', 'ne', 'in', 'nin', 'isNull'],
  datetime: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'isNull'],
  integer: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'between'],
};

function condition(field: CompiledField | (typeof SYSTEM_FIELDS)[string]): fc.Arbitrary<unknown> {
  const value = valueFor(field);
  const allowed = 'system' in field ? SYSTEM_OPERATORS[field.kind]! : field.operators;
  const op = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...allowed) },
    { weight: 1, arbitrary: fc.constantFrom(...FILTER_OPERATORS, 'like', '__proto__') },
  );
  return fc.oneof(
    { weight: 1, arbitrary: value },
    {
      weight: 4,
      arbitrary: fc
        .tuple(op, fc.array(value, { minLength: 1, maxLength: 3 }), fc.boolean())
        .map(([op, values, flag]) => ({
          [op]:
            op === 'isNull'
              ? flag
              : op === 'in' || op === 'nin'
                ? values
                : op === 'between'
                  ? [values[0], values.at(-1)]
                  : values[0],
        })),
    },
  );
}

function structuredFilter(object: CompiledObject): fc.Arbitrary<unknown> {
  const fields = [...object.fields.values(), ...Object.values(SYSTEM_FIELDS)];
  const named = fc
    .constantFrom(...fields)
    .chain((field) => condition(field).map((c) => ['system' in field ? field.name : field.def.apiName, c] as const));
  // Lookup paths one level deep (account.industry), and paths that are not.
  const pathKey = fc.constantFrom(
    'account.name',
    'account.industry',
    'account.annual_revenue',
    'account.id',
    'primary_contact.email',
    'account.__proto__',
    'account.account',
    'stage.name',
    'account.name.x',
    '.name',
    'account.',
  );
  const path = fc.tuple(
    pathKey,
    fc.oneof(
      text,
      fc.record({ eq: text }),
      fc.record({ gte: number }),
      fc.constantFrom('technology', { in: ['technology', 'finance'] }, { isNull: true }),
    ),
  );
  const junk = fc.tuple(fc.constantFrom(...SQLI, ...PROTOTYPE_KEYS, 'deleted_at', ''), fc.jsonValue({ maxDepth: 2 }));
  const leaf = fc
    .array(fc.oneof({ weight: 12, arbitrary: named }, { weight: 3, arbitrary: path }, { weight: 1, arbitrary: junk }), {
      minLength: 1,
      maxLength: 2,
    })
    .map((entries) => Object.fromEntries(entries));
  const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small' },
      { weight: 4, arbitrary: leaf },
      { weight: 1, arbitrary: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((items) => ({ and: items })) },
      { weight: 1, arbitrary: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }).map((items) => ({ or: items })) },
      { weight: 1, arbitrary: tie('tree').map((item) => ({ not: item })) },
    ),
  }));
  return tree;
}

describe('GET /api/v1/records/opportunity?filter=… answers 200 or 400, never 500', () => {
  it('arbitrary JSON and text as the filter', async () => {
    const anyFilter = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }).map((v) => JSON.stringify(v)),
      fc.anything({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'undefined'),
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        '{',
        'null',
        '[]',
        '{}',
        '{"and":[]}',
        '{"__proto__":{"eq":1}}',
        '{"name":{"__proto__":"x"}}',
        '{"amount":{"eq":1e400}}',
        '{"name":"a\\u0000b"}',
        '{"name":"\\ud800"}',
      ),
    );
    await fc.assert(
      fc.asyncProperty(anyFilter, async (filter) => {
        expectAnswered(await list(filter), filter);
      }),
      { numRuns: 80 },
    );
  });

  it('structured filters over opportunity fields, system fields, lookup paths and junk keys', async () => {
    let ok = 0;
    await fc.assert(
      fc.asyncProperty(
        structuredFilter(opportunity)
          .map((f) => JSON.stringify(f))
          .filter((f) => f.length < 4000),
        async (filter) => {
          const res = await list(filter);
          expectAnswered(res, filter);
          if (res.status === 200) ok++;
        },
      ),
      { numRuns: 120 },
    );
    // Many structured filters are valid: the property reached the database, not only the parser.
    expect(ok).toBeGreaterThan(20);
  });
});

/**
 * Inputs the validators once accepted and Postgres refused (each answered 500): now refused up
 * front with 400. The random generators above also wander past these bounds.
 */
describe('filters Postgres would refuse are refused by the parser', () => {
  const cases: [string, unknown][] = [
    // filter-parser.ts isTimestamp: offsets up to ±99:99 pass; Postgres takes at most ±15:59
    ['a system datetime with a +20:00 offset', { created_at: { gt: '2024-01-01T00:00:00+20:00' } }],
    // filter-parser.ts isTimestamp: second 60 with a fraction passes; Postgres refuses it
    ['a system datetime at 23:59:60.5', { created_at: { gt: '2024-01-01T23:59:60.5Z' } }],
    // fields/lookup.ts valueSchema format uuid (ajv-formats) accepts the urn:uuid: prefix; Postgres does not
    ['a lookup value with a urn:uuid: prefix', { account: 'urn:uuid:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' }],
    // date-literals.ts: a year outside 1..9999 becomes "+012024-…"/"-007974-…", which Postgres refuses
    ['next_n_years:9999 on a date field', { close_date: { gte: 'next_n_years:9999' } }],
    ['last_n_years:9999 on a system datetime', { created_at: 'last_n_years:9999' }],
  ];
  for (const [name, filter] of cases) {
    it(`${name} is a 400`, async () => {
      const res = await list(JSON.stringify(filter));
      expect(res.status).toBe(400);
    });
  }
});
