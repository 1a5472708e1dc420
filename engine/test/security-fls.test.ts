import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectProblem, publish, snapshot, type TestUser } from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * Field-level security on every path. User L may not read `secret`, `cost` or `closed_on`, may
 * read but not edit `salary`, and may not read the account's `hidden_note`. Those fields are
 * absent from every answer (list, get, write responses, export, search, history); for L they are
 * no fields at all, so naming them in a filter, sort, field list, grouping or metric is the 400
 * of an unknown field, and a body that writes them the 422 of an unknown field, with nothing
 * written, one record or ten thousand (security-enumeration.test.ts checks the answers are those
 * of names that do not exist). Writing `salary`, which L may read, is 403.
 */

const DEAL = 'fls_deal';
const ACCT = 'fls_acct';
const R = '/api/v1/records';
const HIDDEN = 'Qwertyuiop';

let t: TestEngine;
let l: TestUser;
/** Both sets: permission sets add up, so the second set's object access opens the fields again. */
let both: TestUser;
/** Reads everything but the name field. */
let nameless: TestUser;
let deal: Record<string, any>;
let acct: Record<string, any>;

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
const stored = async () => [await snapshot(t, DEAL), await snapshot(t, '_field_history')].join('\n');

beforeAll(async () => {
  t = await startTestEngine();
  await publish(t, {
    objects: [
      {
        apiName: ACCT,
        label: 'Account',
        pluralLabel: 'Accounts',
        nameField: 'name',
        sharing: { default: 'read' },
        fields: [
          { apiName: 'name', type: 'text', label: 'Name' },
          { apiName: 'hidden_note', type: 'text', label: 'Hidden note' },
        ],
      },
      {
        apiName: DEAL,
        label: 'Deal',
        pluralLabel: 'Deals',
        nameField: 'name',
        sharing: { default: 'readWrite' },
        fields: [
          { apiName: 'name', type: 'text', label: 'Name', required: true, searchable: true },
          { apiName: 'code', type: 'text', label: 'Code', unique: true, searchable: true, maxLength: 40 },
          { apiName: 'secret', type: 'text', label: 'Secret', searchable: true },
          { apiName: 'cost', type: 'number', label: 'Cost' },
          { apiName: 'closed_on', type: 'date', label: 'Closed on' },
          { apiName: 'salary', type: 'currency', label: 'Salary' },
          { apiName: 'acct', type: 'lookup', label: 'Account', target: ACCT },
        ],
      },
    ],
    permissionSets: [
      {
        apiName: 'fls_limited',
        label: 'Limited',
        objects: { [DEAL]: { read: true, create: true, edit: true, delete: true }, [ACCT]: { read: true } },
        fields: {
          [`${DEAL}.secret`]: { read: false, edit: false },
          [`${DEAL}.cost`]: { read: false, edit: false },
          [`${DEAL}.closed_on`]: { read: false, edit: false },
          [`${DEAL}.salary`]: { read: true, edit: false },
          [`${ACCT}.hidden_note`]: { read: false, edit: false },
        },
        system: ['importData', 'exportData'],
      },
      { apiName: 'fls_full', label: 'Full', objects: { [DEAL]: { read: true, edit: true } } },
      {
        apiName: 'fls_nameless',
        label: 'Nameless',
        objects: { [DEAL]: { read: true } },
        fields: { [`${DEAL}.name`]: { read: false, edit: false } },
      },
    ],
  });
  [l, both, nameless] = await Promise.all([
    createUser(t, { name: 'L', permissionSets: ['fls_limited'] }),
    createUser(t, { name: 'Both', permissionSets: ['fls_limited', 'fls_full'] }),
    createUser(t, { name: 'Nameless', permissionSets: ['fls_nameless'] }),
  ]);
  acct = (await t.api('POST', `${R}/${ACCT}`, { name: 'Acme', hidden_note: HIDDEN })).body;
  const res = await t.api('POST', `${R}/${DEAL}`, {
    name: 'Deal one',
    code: 'D-1',
    secret: HIDDEN,
    cost: 42,
    closed_on: '2024-05-01',
    salary: 1000,
    acct: acct.id,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  deal = res.body;
  // History entries for the hidden fields: an admin changes them.
  expect(
    (await t.api('PATCH', `${R}/${DEAL}/${deal.id}`, { secret: `${HIDDEN}2`, cost: 43, salary: 1100 })).status,
  ).toBe(200);
});
afterAll(() => t?.close());

const expectHidden = (record: Record<string, unknown>) => {
  for (const key of ['secret', 'cost', 'closed_on']) expect(record, key).not.toHaveProperty(key);
  expect(JSON.stringify(record)).not.toContain(HIDDEN);
};

describe('field-level security: reads', () => {
  it('list and get leave unreadable fields out; readable ones stay', async () => {
    const list = await l.api('GET', `${R}/${DEAL}`);
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    expectHidden(list.body.data[0]);
    expect(list.body.data[0]).toMatchObject({ name: 'Deal one', salary: 1100, acct: acct.id });
    const one = await l.api('GET', `${R}/${DEAL}/${deal.id}`);
    expectHidden(one.body);
    expect(one.body.salary).toBe(1100);
    const bin = await l.api('GET', `${R}/${DEAL}?deleted=only`);
    expect(bin.status).toBe(200);
    // Permission sets add up: the full set's object access reads every field.
    expect((await both.api('GET', `${R}/${DEAL}/${deal.id}`)).body).toMatchObject({ secret: `${HIDDEN}2`, cost: 43 });
  });

  it('naming an unreadable field in fields, filter or sort is an unknown field, also through a lookup and inside and/or/not', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ fields: 'name,secret' }, 'fields'],
      [{ fields: 'acct.hidden_note' }, 'fields'],
      [{ filter: JSON.stringify({ secret: HIDDEN }) }, '/secret'],
      [{ filter: JSON.stringify({ secret: { isNull: false } }) }, '/secret'],
      [{ filter: JSON.stringify({ or: [{ name: 'x' }, { cost: { gt: 40 } }] }) }, '/or/1/cost'],
      [{ filter: JSON.stringify({ not: { closed_on: { gt: '2024-01-01' } } }) }, '/not/closed_on'],
      [{ filter: JSON.stringify({ 'acct.hidden_note': { contains: 'Q' } }) }, '/acct.hidden_note'],
      [{ sort: 'secret' }, 'sort'],
      [{ sort: '-cost' }, 'sort'],
      [{ sort: 'name,acct.hidden_note' }, 'sort'],
    ];
    for (const [params, field] of cases) {
      for (const path of [`${R}/${DEAL}?${q(params)}`, `${R}/${DEAL}/export?${q(params)}`]) {
        const res = await l.api('GET', path);
        expectProblem(res, 400, [{ field, code: 'unknownField' }]);
        expect(JSON.stringify(res.body)).not.toContain(HIDDEN);
      }
    }
    // The same requests with the full set pass: the 400s above are field security, not syntax.
    for (const [params] of cases.filter(([params]) => !JSON.stringify(params).includes('acct.')))
      expect((await both.api('GET', `${R}/${DEAL}?${q(params)}`)).status, JSON.stringify(params)).toBe(200);
  });

  it('aggregates refuse unreadable fields in groupBy, metrics, filter and rateDate as unknown fields', async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ groupBy: 'secret', metrics: 'count' }, 'groupBy', 'unknownField'],
      [{ groupBy: 'closed_on:month', metrics: 'count' }, 'groupBy', 'unknownField'],
      [{ metrics: 'sum:cost' }, 'metrics', 'unknownField'],
      [{ metrics: 'max:closed_on' }, 'metrics', 'unknownField'],
      [{ metrics: 'count', filter: JSON.stringify({ cost: { gt: 1 } }) }, '/cost', 'unknownField'],
      // The rate date picks each row's rate: the totals would tell its values.
      [{ metrics: 'sum:salary', currency: 'corporate', rateDate: 'closed_on' }, 'rateDate', 'type'],
    ];
    for (const [params, field, code] of cases) {
      const res = await l.api('GET', `${R}/${DEAL}/aggregate?${q(params)}`);
      expectProblem(res, 400, [{ field, code }]);
      // Whoever may read the field gets an answer: the 400s are field security.
      expect((await both.api('GET', `${R}/${DEAL}/aggregate?${q(params)}`)).status, JSON.stringify(params)).toBe(200);
    }
    const ok = await l.api('GET', `${R}/${DEAL}/aggregate?${q({ metrics: 'count,sum:salary', groupBy: 'name' })}`);
    expect(ok.body.data).toEqual([{ name: 'Deal one', count: 1, 'sum:salary': 1100 }]);
  });

  it('CSV export leaves unreadable fields out of the default columns', async () => {
    const res = await l.api('GET', `${R}/${DEAL}/export`);
    expect(res.status).toBe(200);
    const [header] = res.body.split('\r\n');
    expect(header.split(',')).toEqual(['id', 'name', 'code', 'salary', 'salary__currency', 'acct']);
    expect(res.body).not.toContain(HIDDEN);
    const joined = await l.api('GET', `${R}/${DEAL}/export?fields=name,acct.name`);
    expect(joined.body).toContain('Acme');
  });

  it('search neither matches on nor names with an unreadable field', async () => {
    expect((await l.api('GET', `/api/v1/search?q=${HIDDEN}`)).body.data).toEqual([]);
    expect((await both.api('GET', `/api/v1/search?q=${HIDDEN}`)).body.data).toHaveLength(1);
    // A user who cannot read the name field finds the record by its code, without its name.
    const byCode = await nameless.api('GET', '/api/v1/search?q=D-1');
    expect(byCode.body.data).toEqual([
      { object: DEAL, records: [{ id: deal.id, name: null, score: expect.any(Number) }] },
    ]);
    expect((await nameless.api('GET', '/api/v1/search?q=Deal one')).body.data).toEqual([]);
  });

  it('history leaves out entries of unreadable fields', async () => {
    const res = await l.api('GET', `${R}/${DEAL}/${deal.id}/history`);
    expect(res.status).toBe(200);
    const fields = res.body.data.map((e: { field: string | null }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['salary', null]));
    for (const hidden of ['secret', 'cost']) expect(fields).not.toContain(hidden);
    expect(JSON.stringify(res.body)).not.toContain(HIDDEN);
    const all = (await both.api('GET', `${R}/${DEAL}/${deal.id}/history`)).body.data.map(
      (e: { field: string | null }) => e.field,
    );
    expect(all).toEqual(expect.arrayContaining(['secret', 'cost', 'salary']));
  });

  it('a lookup path into an object the caller may not read is no field, and export and import need their system permissions', async () => {
    for (const [params, field] of [
      [{ fields: 'code,acct.name' }, 'fields'],
      [{ filter: JSON.stringify({ 'acct.name': 'Acme' }) }, '/acct.name'],
      [{ sort: 'acct.name' }, 'sort'],
    ] as [Record<string, string>, string][]) {
      expectProblem(await nameless.api('GET', `${R}/${DEAL}?${q(params)}`), 400, [{ field, code: 'unknownField' }]);
    }
    expectProblem(await nameless.api('GET', `${R}/${DEAL}/export`), 403, [
      { field: 'exportData', code: 'systemPermission' },
    ]);
    const jobs = await snapshot(t, '_import_jobs');
    expectProblem(
      await nameless.api('POST', `${R}/${DEAL}/import`, 'code\nX-1\n', { 'content-type': 'text/csv' }),
      403,
      [{ field: 'importData', code: 'systemPermission' }],
    );
    expect(await snapshot(t, '_import_jobs')).toBe(jobs);
  });

  it('/auth/me tells the UI which fields it may show and edit', async () => {
    const me = await l.api('GET', '/api/v1/auth/me');
    expect(me.body.permissions.fields[DEAL]).toMatchObject({
      salary: { read: true, edit: false },
      name: { read: true, edit: true },
    });
    // Fields they may not read are not named at all.
    for (const hidden of ['secret', 'cost', 'closed_on'])
      expect(me.body.permissions.fields[DEAL]).not.toHaveProperty(hidden);
  });
});

describe('field-level security: writes', () => {
  it('create and update with an unreadable field: 422 unknown field; with a read-only one: 403; nothing written', async () => {
    const before = await stored();
    const cases: [string, string, Record<string, unknown>, number, { field: string; code: string }[]][] = [
      ['POST', `${R}/${DEAL}`, { name: 'new', secret: 'x' }, 422, [{ field: 'secret', code: 'unknownField' }]],
      [
        'POST',
        `${R}/${DEAL}`,
        { name: 'new', salary: 5, cost: 1 },
        403,
        [{ field: 'salary', code: 'fieldPermission' }],
      ],
      ['POST', `${R}/${DEAL}`, { name: 'new', cost: 1 }, 422, [{ field: 'cost', code: 'unknownField' }]],
      ['PATCH', `${R}/${DEAL}/${deal.id}`, { secret: 'x' }, 422, [{ field: 'secret', code: 'unknownField' }]],
      [
        'PATCH',
        `${R}/${DEAL}/${deal.id}`,
        { name: 'renamed', salary: 1 },
        403,
        [{ field: 'salary', code: 'fieldPermission' }],
      ],
      ['PATCH', `${R}/${DEAL}/${deal.id}`, { closed_on: null }, 422, [{ field: 'closed_on', code: 'unknownField' }]],
    ];
    for (const [method, path, body, status, errors] of cases)
      expectProblem(await l.api(method, path, body), status, errors);
    expect(await stored()).toBe(before);
  });

  it('write responses leave unreadable fields out', async () => {
    const created = await l.api('POST', `${R}/${DEAL}`, { name: 'by L', code: 'L-1' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expectHidden(created.body);
    const updated = await l.api('PATCH', `${R}/${DEAL}/${deal.id}`, { name: 'Deal one' });
    expect(updated.status).toBe(200);
    expectHidden(updated.body);
    const restored = await l.api('DELETE', `${R}/${DEAL}/${created.body.id}`);
    expect(restored.status).toBe(204);
    const back = await l.api('POST', `${R}/${DEAL}/${created.body.id}/restore`);
    expect(back.status).toBe(200);
    expectHidden(back.body);
  });

  it('bulk create and upsert with an unwritable field: refused naming field and row, nothing written', async () => {
    const before = await stored();
    const res = await l.api('POST', `${R}/${DEAL}/bulk`, {
      records: [{ name: 'ok' }, { name: 'bad', secret: 'x' }, { name: 'bad too', salary: 3 }],
    });
    expectProblem(res, 403);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'salary', index: 2, code: 'fieldPermission' })]);
    const unreadable = await l.api('POST', `${R}/${DEAL}/bulk`, {
      records: [{ name: 'ok' }, { name: 'bad', secret: 'x' }],
    });
    expectProblem(unreadable, 422);
    expect(unreadable.body.errors).toEqual([
      expect.objectContaining({ field: 'secret', index: 1, code: 'unknownField' }),
    ]);
    const upsert = await l.api('POST', `${R}/${DEAL}/bulk`, {
      upsertOn: 'code',
      allOrNone: false,
      records: [{ code: 'D-1', cost: 0 }],
    });
    expect(upsert.status, JSON.stringify(upsert.body)).toBe(200);
    expect(upsert.body.results).toEqual([
      { index: 0, ok: false, errors: [expect.objectContaining({ field: 'cost', code: 'unknownField' })] },
    ]);
    expect(await stored()).toBe(before);
  });

  it('CSV import with an unwritable column: refused, nothing written', async () => {
    const before = await stored();
    const jobs = await snapshot(t, '_import_jobs');
    for (const query of ['', '?upsertOn=code', '?mode=skipBadRows']) {
      // An unreadable field is no header the file may have (400); a read-only one is refused (403).
      const unknown = await l.api('POST', `${R}/${DEAL}/import${query}`, 'code,name,secret\nD-1,Deal one,x\n', {
        'content-type': 'text/csv',
      });
      expectProblem(unknown, 400, [{ field: 'secret', code: 'unknownHeader' }]);
      const readOnly = await l.api(
        'POST',
        `${R}/${DEAL}/import${query}`,
        'code,name,salary__currency\nI-2,fresh,EUR\n',
        {
          'content-type': 'text/csv',
        },
      );
      expectProblem(readOnly, 403, [{ field: 'salary', code: 'fieldPermission' }]);
    }
    expect(await snapshot(t, '_import_jobs')).toBe(jobs);
    expect(await stored()).toBe(before);
  });
});
