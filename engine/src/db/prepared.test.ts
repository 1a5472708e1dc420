import knexFactory from 'knex';
import { describe, expect, it } from 'vitest';
import { nativeShape, valuesOf } from './prepared.js';

// Only SQL generation: no connection is opened.
const knex = knexFactory({ client: 'pg' });
const viaKnex = (sql: string, bindings: unknown[]) =>
  knex
    .raw(sql, bindings as never[])
    .toSQL()
    .toNative();

describe('nativeShape', () => {
  it('answers what knex answers for later bindings of the same text, each call with its own values', () => {
    const sql = 'insert into ?? (??, ??) values (?, ?) returning ??';
    const shape = nativeShape(knex, sql, ['s.deal', 'name', 'amount', 'a', 1, 'id'])!;
    for (const values of [
      ['a', 1],
      ['b', 2],
      [null, 3],
    ]) {
      const bindings = ['s.deal', 'name', 'amount', ...values, 'id'];
      expect(valuesOf(shape, bindings)).toEqual(viaKnex(sql, bindings));
    }
  });

  it('puts identifiers in the text and only values among the bindings', () => {
    const shape = nativeShape(knex, 'select ? from ?? where ?? = ?', [1, 'tenant_a.deal', 'name', 'x'])!;
    expect(shape.sql).toContain('"tenant_a"."deal"');
    expect(valuesOf(shape, [2, 'tenant_a.deal', 'name', 'y']).bindings).toEqual([2, 'y']);
  });

  it('has no shape for a text knex converts another way (a raw value is inlined), and skips escaped question marks', () => {
    expect(nativeShape(knex, 'select * from ?? where n = ?', ['t', knex.raw('now()')])).toBeUndefined();
    const sql = "select * from ?? where note = '\\?' and n = ?";
    const shape = nativeShape(knex, sql, ['t', 5])!;
    expect(valuesOf(shape, ['t', 6])).toEqual(viaKnex(sql, ['t', 6]));
  });
});
