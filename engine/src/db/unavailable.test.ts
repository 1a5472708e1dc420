import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './unavailable.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('knows a server that is down, restarting or shutting down', () => {
    expect(isDatabaseUnavailable(withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('ETIMEDOUT'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('57P01', 'terminating connection due to administrator command'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('57P03', 'the database system is starting up'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('08006'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated due to connection timeout'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]))).toBe(true);
    // As knex gives a query that failed: the statement, then pg's message.
    expect(
      isDatabaseUnavailable(new Error('select * from "account" limit 5 - Connection terminated unexpectedly')),
    ).toBe(true);
    expect(isDatabaseUnavailable(new Error('select 1 - Client was closed and is not queryable'))).toBe(true);
  });

  it('leaves statements that failed, and everything else, to the other handlers', () => {
    expect(isDatabaseUnavailable(withCode('42P01', 'relation "account" does not exist'))).toBe(false);
    expect(isDatabaseUnavailable(withCode('23505'))).toBe(false);
    expect(isDatabaseUnavailable(withCode('57014', 'canceling statement due to statement timeout'))).toBe(false);
    expect(isDatabaseUnavailable(withCode('ENOSPC'))).toBe(false);
    expect(isDatabaseUnavailable(new AggregateError([]))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    // A value in a statement, or in the server's message, that reads like a lost connection.
    expect(isDatabaseUnavailable(new Error("insert into t values ('Connection terminated') - boom"))).toBe(false);
    expect(isDatabaseUnavailable(withCode('22P02', 'invalid input syntax: "x - Connection terminated"'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});
