import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlFragment } from '../fields/field-type.js';
import { evaluate, truthy } from './json-logic.js';
import { ruleHoldsSql, type RuleValue } from './rule-sql.js';

/**
 * Every supported condition, on every combination of empty, zero, false and ordinary values,
 * answers in SQL exactly what json-logic-js answers in JavaScript; anything outside the subset
 * compiles to nothing.
 */

let db: PGlite;
const TEXTS = [null, '', 'won', 'lost'];
const NUMBERS = [null, 0, -5, 1000.5];
const FLAGS = [null, true, false];
const DAYS = [null, '2026-01-01', '2026-06-30'];
const rows: { id: number; stage: string | null; amount: number | null; done: boolean | null; day: string | null }[] =
  [];

const column = (kind: RuleValue['kind'], name: string): RuleValue => ({ kind, sql: { sql: name, bindings: [] } });
const COLUMNS: Record<string, RuleValue> = {
  stage: column('text', 'stage'),
  other: column('text', 'stage'),
  amount: column('number', 'amount'),
  done: column('boolean', 'done'),
  day: column('date', 'day'),
  when: column('timestamp', 'now()'),
};

/** `?` to `$n`, as knex does. */
const native = (f: SqlFragment) => {
  let n = 0;
  return f.sql.replace(/\?/g, () => `$${++n}`);
};

beforeAll(async () => {
  db = new PGlite();
  await db.exec('create table t (id int primary key, stage text, amount numeric(18,2), done boolean, day date)');
  let id = 0;
  for (const stage of TEXTS)
    for (const amount of NUMBERS)
      for (const done of FLAGS) for (const day of DAYS) rows.push({ id: ++id, stage, amount, done, day });
  for (const r of rows)
    await db.query('insert into t values ($1, $2, $3, $4, $5)', [r.id, r.stage, r.amount, r.done, r.day]);
});
afterAll(() => db?.close());

/** What SQL says of each row: holds (certainly falsy), compared with json-logic's verdict. */
async function verdicts(condition: unknown, fields = COLUMNS) {
  const holds = ruleHoldsSql(condition, (name) => fields[name]);
  expect(holds, JSON.stringify(condition)).toBeDefined();
  const result = await db.query<{ id: number; holds: boolean }>(
    `select id, ${native(holds!)} as holds from t order by id`,
    holds!.bindings,
  );
  return result.rows.map((r) => {
    const row = rows[r.id - 1]!;
    const record = { ...row, other: row.stage };
    return { row: record, sql: r.holds, js: !truthy(evaluate(condition, record)) };
  });
}

const SUPPORTED: unknown[] = [
  { var: 'stage' },
  { var: 'amount' },
  { var: 'done' },
  { var: 'day' },
  { '!': { var: 'stage' } },
  { '!': [{ var: 'amount' }] },
  { '!!': { var: 'day' } },
  { '==': [{ var: 'stage' }, 'won'] },
  { '===': [{ var: 'stage' }, 'won'] },
  { '!=': [{ var: 'stage' }, 'won'] },
  { '!==': ['won', { var: 'stage' }] },
  { '==': [{ var: 'stage' }, null] },
  { '!=': [null, { var: 'amount' }] },
  { '==': [{ var: 'stage' }, { var: 'other' }] },
  { '==': [{ var: 'amount' }, 0] },
  { '==': [{ var: 'done' }, false] },
  { '==': [{ var: 'day' }, '2026-01-01'] },
  { '<': [{ var: 'amount' }, 0] },
  { '<=': [{ var: 'amount' }, 0] },
  { '>': [{ var: 'amount' }, 100] },
  { '>=': [-5, { var: 'amount' }] },
  { '<': [{ var: 'day' }, '2026-03-01'] },
  { '>=': [{ var: 'day' }, '2026-06-30'] },
  { in: [{ var: 'stage' }, ['won', 'lost']] },
  { in: [{ var: 'amount' }, [0, 1000.5]] },
  { and: [{ '==': [{ var: 'stage' }, 'won'] }, { '!': { var: 'day' } }] },
  { or: [{ '<': [{ var: 'amount' }, 0] }, { '!': { var: 'done' } }, { var: 'stage' }] },
  { '!': { and: [{ var: 'done' }, { or: [{ var: 'stage' }, { '>': [{ var: 'amount' }, 10] }] }] } },
];

describe('ruleHoldsSql', () => {
  it('agrees with json-logic on every row, for every supported condition', async () => {
    for (const condition of SUPPORTED) {
      for (const v of await verdicts(condition)) {
        expect(v.sql, `${JSON.stringify(condition)} on ${JSON.stringify(v.row)}`).toBe(v.js);
      }
    }
  });

  it('reads a value being written as a bound parameter', async () => {
    const writing: Record<string, RuleValue> = {
      ...COLUMNS,
      stage: { kind: 'text', sql: { sql: '?::text', bindings: ['won'] } },
    };
    const rule = { and: [{ '==': [{ var: 'stage' }, 'won'] }, { '!': { var: 'day' } }] };
    const answers = await verdicts(rule, writing);
    for (const v of answers) expect(v.sql).toBe(v.row.day !== null);
  });

  it('compiles nothing outside the subset', () => {
    const outside: unknown[] = [
      { var: 'account.name' },
      { var: ['amount', 0] },
      { var: 'when' },
      { var: 'nope' },
      { '==': [{ var: 'amount' }, '5'] },
      { '==': [{ var: 'day' }, '2026-02-30'] },
      { '==': [{ var: 'day' }, 'soon'] },
      { '==': [{ var: 'day' }, { var: 'stage' }] },
      { '<': [{ var: 'stage' }, 'm'] },
      { '<': [{ var: 'done' }, true] },
      { '<': [0, { var: 'amount' }, 10] },
      { in: ['o', { var: 'stage' }] },
      { in: [{ var: 'stage' }, []] },
      { in: [{ var: 'stage' }, ['won', null]] },
      { if: [{ var: 'done' }, 1, 0] },
      { '+': [{ var: 'amount' }, 1] },
      { and: [] },
      { '==': [{ and: [true] }, true] },
      { missing: ['stage'] },
      { '==': [1, 2], extra: 1 },
    ];
    for (const condition of outside)
      expect(
        ruleHoldsSql(condition, (name) => COLUMNS[name]),
        JSON.stringify(condition),
      ).toBeUndefined();
  });
});
