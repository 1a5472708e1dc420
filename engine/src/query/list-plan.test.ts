import knexFactory from 'knex';
import { describe, expect, it } from 'vitest';
import { Problem } from '../errors.js';
import { compile } from '../metadata/compile.js';
import { CORE_PACK_DIR, readPack } from '../packs/pack-files.js';
import type { AccessPredicate } from './access-predicate.js';
import { encodeCursor } from './keyset.js';
import { planList, type ListContext, type ListRequest } from './list-plan.js';
import { listStatement } from './list-statement.js';

/**
 * A list request planned as data and written as SQL, without a database: the plan says what the
 * statement will do, and the statement carries every value as a binding.
 */

const compiled = compile(1, readPack(CORE_PACK_DIR).snapshot);
const opportunity = compiled.objects.get('opportunity')!;
const knex = knexFactory({ client: 'pg' });
const REP = '0191f0e0-0000-7000-8000-000000000001';
const repAccess: AccessPredicate = [
  { kind: 'owner', userId: REP },
  { kind: 'shared', objectId: opportunity.def.id, userId: REP, groups: ['emea'], editOnly: false },
];

const context = (overrides: Partial<ListContext> = {}): ListContext => ({
  objects: compiled.objects,
  guard: (paths) => (path) => paths.resolve(path),
  access: () => null,
  ...overrides,
});

const plan = (request: ListRequest, overrides?: Partial<ListContext>) =>
  planList(opportunity, request, context(overrides));

const refusal = (request: ListRequest) => {
  try {
    plan(request);
  } catch (e) {
    if (e instanceof Problem) return { status: e.status, errors: e.errors };
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('planList', () => {
  it('turns a request into plain data: filter, sort, page, fields, joins and access', () => {
    const p = plan(
      {
        filter: JSON.stringify({ and: [{ amount: { gte: 1000 } }, { 'account.name': { startsWith: 'Ac' } }] }),
        sort: '-amount,account.name',
        fields: 'name,amount,account.name',
        limit: '20',
      },
      { access: (o) => (o.def.apiName === 'opportunity' ? repAccess : null), readable: new Set(['name']) },
    );
    expect(p).toEqual({
      object: 'opportunity',
      table: 'opportunity',
      joins: [{ alias: '_j0', column: 'account', object: 'account', table: 'account', access: null }],
      deleted: false,
      filter: {
        kind: 'and',
        items: [
          {
            kind: 'cond',
            path: 'amount',
            columns: ['amount', 'amount__currency'],
            op: 'gte',
            value: 1000,
            compare: 'plain',
          },
          {
            kind: 'cond',
            path: 'account.name',
            columns: ['name'],
            alias: '_j0',
            op: 'startsWith',
            value: 'Ac',
            compare: 'plain',
          },
        ],
      },
      access: repAccess,
      sort: [
        { column: 'amount', desc: true },
        { column: 'name', desc: false, alias: '_j0' },
        { column: 'id', desc: true, notNull: true },
      ],
      limit: 20,
      fields: ['name', 'account', 'amount'],
      expand: [{ field: 'account', alias: '_j0', fields: ['name'] }],
    });
    // Serialisable: nothing in it but JSON.
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it('shows only the fields the caller may read when the request names none', () => {
    expect(plan({}, { readable: new Set(['name', 'stage']) }).fields).toEqual(['name', 'stage']);
    expect(plan({}).fields).toBeUndefined();
  });

  it('keeps relative dates as written, and the cursor as the last row’s sort values', () => {
    const cursor = encodeCursor(
      [
        { column: 'close_date', desc: false },
        { column: 'id', desc: false, notNull: true },
      ],
      {
        _k0: '2026-12-01',
        _k1: '0191f0e0-0000-7000-8000-0000000000aa',
      },
    );
    const p = plan({ filter: '{"close_date":{"eq":"this_quarter"}}', sort: 'close_date', cursor });
    expect(p.filter).toMatchObject({ op: 'eq', value: 'this_quarter', compare: 'date' });
    expect(p.after).toEqual(['2026-12-01', '0191f0e0-0000-7000-8000-0000000000aa']);
  });

  it('refuses what the object does not have, naming the parameter and the rule', () => {
    expect(refusal({ limit: '0' })).toMatchObject({ status: 400, errors: [{ field: 'limit', code: 'range' }] });
    expect(refusal({ fields: 'nope' })).toMatchObject({ errors: [{ field: 'fields', code: 'unknownField' }] });
    expect(refusal({ fields: 'created_at' }).errors[0]!.message).toContain('system fields');
    expect(refusal({ sort: 'nope' })).toMatchObject({ errors: [{ field: 'sort', code: 'unknownField' }] });
    expect(refusal({ filter: '{"nope":1}' })).toMatchObject({ errors: [{ field: '/nope', code: 'unknownField' }] });
    expect(refusal({ deleted: 'yes' })).toMatchObject({ errors: [{ field: 'deleted', code: 'enum' }] });
    expect(refusal({ count: 'all' })).toMatchObject({ errors: [{ field: 'count', code: 'enum' }] });
    expect(refusal({ cursor: 'garbage' })).toMatchObject({ errors: [{ field: 'cursor', code: 'cursor' }] });
  });
});

describe('listStatement', () => {
  const statement = (request: ListRequest, overrides?: Partial<ListContext>) =>
    listStatement(plan(request, overrides), { knex, schema: 'tenant_default', objects: compiled.objects });

  it('binds every value: the text holds identifiers, keywords and placeholders only', () => {
    const { sql, bindings } = statement(
      { filter: '{"name":{"contains":"Robert\'); drop table opportunity;--"}}', sort: '-amount' },
      { access: () => repAccess },
    );
    expect(sql).not.toContain('Robert');
    expect(sql).not.toContain(REP);
    expect(bindings).toContain(REP);
    expect(bindings).toContain("%Robert'); drop table opportunity;--%");
  });

  it('runs one branch per way the caller may see records, and none for a caller who sees all', () => {
    expect(statement({}, { access: () => repAccess }).sql.match(/union/g)).toHaveLength(1);
    expect(statement({}).sql).not.toContain('union');
  });

  it('answers whether a presumed session held as a column of its own', () => {
    const session = {
      schema: 'tenant_default',
      tokenHash: 'abc',
      userId: REP,
      grantsStamp: '7',
      named: false,
      stamp: '3',
    };
    const checked = statement({}, { session });
    expect(checked.sql).toMatch(
      /^with "_s" as \(select "tenant_default"\.tsr_session_holds\(\$1, \$2::uuid, \$3::bigint, \$4, \$5::bigint\) as ok\)/,
    );
    expect(checked.sql).toContain('(select ok from _s) as session');
    expect(checked.bindings.slice(0, 5)).toEqual(['abc', REP, '7', true, '3']);
    expect(statement({}).sql).not.toContain('tsr_session_holds');
  });
});
