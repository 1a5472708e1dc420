import knexFactory from 'knex';
import { describe, expect, it } from 'vitest';
import { nativeOf } from './prepared.js';

// Only SQL generation: no connection is opened.
const knex = knexFactory({ client: 'pg' });
const viaKnex = (sql: string, bindings: unknown[]) => knex.raw(sql, bindings as never[]).toSQL().toNative();

describe('nativeOf', () => {
  it('answers what knex answers, call after call, with each call its own values', () => {
    const sql = 'insert into ?? (??, ??) values (?, ?) returning ??';
    for (const values of [['a', 1], ['b', 2], [null, 3]]) {
      const bindings = ['s.deal', 'name', 'amount', ...values, 'id'];
      expect(nativeOf(knex, sql, bindings)).toEqual(viaKnex(sql, bindings));
    }
  });

  it('keeps texts apart that differ only in their identifiers', () => {
    const sql = 'select ? from ??';
    const one = nativeOf(knex, sql, [1, 'tenant_a.deal']);
    const two = nativeOf(knex, sql, [1, 'tenant_b.deal']);
    expect(one.sql).toContain('"tenant_a"."deal"');
    expect(two.sql).toContain('"tenant_b"."deal"');
    expect(nativeOf(knex, sql, [2, 'tenant_a.deal'])).toEqual({ sql: one.sql, bindings: [2] });
  });

  it('follows knex when a value changes the text (an array is a list) and on escaped question marks', () => {
    const sql = 'select * from ?? where id in (?) and note = \'\\?\' and n = ?';
    for (const ids of [[1, 2], [1, 2, 3], 7]) {
      const bindings = ['t', ids, 5];
      expect(nativeOf(knex, sql, bindings)).toEqual(viaKnex(sql, bindings));
    }
  });
});
