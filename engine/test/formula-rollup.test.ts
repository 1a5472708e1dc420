import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/** The contract of the computed field types: formula (a generated column) and rollup. */

let t: TestEngine;
const account = {
  apiName: 'fr_account',
  label: 'Account',
  pluralLabel: 'Accounts',
  nameField: 'name',
  fields: [
    { apiName: 'name', type: 'text', label: 'Name' },
    {
      apiName: 'open_deals',
      type: 'rollup',
      label: 'Open deals',
      child: 'fr_deal',
      relationField: 'account',
      aggregate: 'count',
      filter: { status: { ne: 'lost' } },
    },
    {
      apiName: 'pipeline',
      type: 'rollup',
      label: 'Pipeline',
      child: 'fr_deal',
      relationField: 'account',
      aggregate: 'sum',
      field: 'amount',
    },
    {
      apiName: 'last_close',
      type: 'rollup',
      label: 'Last close',
      child: 'fr_deal',
      relationField: 'account',
      aggregate: 'max',
      field: 'close_date',
      returnType: 'date',
    },
  ],
};
const deal = {
  apiName: 'fr_deal',
  label: 'Deal',
  pluralLabel: 'Deals',
  nameField: 'name',
  fields: [
    { apiName: 'name', type: 'text', label: 'Name' },
    { apiName: 'amount', type: 'currency', label: 'Amount' },
    { apiName: 'probability', type: 'percent', label: 'Probability' },
    { apiName: 'close_date', type: 'date', label: 'Close date' },
    {
      apiName: 'status',
      type: 'picklist',
      label: 'Status',
      values: [{ value: 'open' }, { value: 'won' }, { value: 'lost' }],
      default: 'open',
    },
    { apiName: 'account', type: 'masterDetail', label: 'Account', target: 'fr_account' },
    {
      apiName: 'weighted',
      type: 'formula',
      label: 'Weighted',
      returnType: 'currency',
      expression: { '/': [{ '*': [{ var: 'amount' }, { var: 'probability' }] }, 100] },
    },
    {
      apiName: 'title',
      type: 'formula',
      label: 'Title',
      returnType: 'text',
      expression: { cat: [{ var: 'name' }, ' (', { var: 'status' }, ')?'] },
    },
    {
      apiName: 'is_big',
      type: 'formula',
      label: 'Big?',
      returnType: 'boolean',
      expression: { '>=': [{ var: 'amount' }, 1000] },
    },
    {
      apiName: 'close_on',
      type: 'formula',
      label: 'Closes on',
      returnType: 'date',
      expression: { var: 'close_date' },
    },
    {
      apiName: 'tier',
      type: 'formula',
      label: 'Tier',
      returnType: 'text',
      expression: { if: [{ '>=': [{ var: 'amount' }, 5000] }, 'A', { '>=': [{ var: 'amount' }, 1000] }, 'B', 'C'] },
    },
  ],
};

const accountRow = async (id: string) => (await t.api('GET', `/api/v1/records/fr_account/${id}`)).body;
const newAccount = async (name: string) =>
  (await t.api('POST', '/api/v1/records/fr_account', { name })).body.id as string;
const newDeal = async (body: Record<string, unknown>) => {
  const res = await t.api('POST', '/api/v1/records/fr_deal', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};

beforeAll(async () => {
  t = await startTestEngine();
  for (const o of [account, deal]) {
    const res = await t.api('POST', '/api/v1/meta/objects', o);
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  }
  const published = await t.api('POST', '/api/v1/meta/publish');
  if (published.status !== 201) throw new Error(JSON.stringify(published.body));
});
afterAll(() => t?.close());

describe('formula fields', () => {
  it('are computed by the database on create and update', async () => {
    const acc = await newAccount('F1');
    const d = await newDeal({ name: 'Rocket', amount: 2000, probability: 25, account: acc });
    expect(d).toMatchObject({ weighted: 500, title: 'Rocket (open)?', is_big: true, tier: 'B' });
    const patched = await t.api('PATCH', `/api/v1/records/fr_deal/${d.id}`, { amount: 8000, status: 'won' });
    expect(patched.body).toMatchObject({ weighted: 2000, title: 'Rocket (won)?', tier: 'A' });
    const empty = await newDeal({ name: 'Empty', account: acc });
    expect(empty).toMatchObject({ weighted: null, is_big: null, tier: 'C', title: 'Empty (open)?' });
  });

  it('can be filtered and sorted like stored fields', async () => {
    const acc = await newAccount('F2');
    for (const [name, amount] of [
      ['s1', 100],
      ['s2', 1500],
      ['s3', 6000],
    ] as const)
      await newDeal({ name, amount, probability: 50, account: acc });
    const q = (filter: unknown, sort: string) =>
      t.api(
        'GET',
        `/api/v1/records/fr_deal?filter=${encodeURIComponent(JSON.stringify({ and: [{ account: acc }, filter] }))}&sort=${sort}`,
      );
    expect((await q({ weighted: { gte: 750 } }, '-weighted')).body.data.map((r: { name: string }) => r.name)).toEqual([
      's3',
      's2',
    ]);
    expect((await q({ tier: { in: ['A', 'C'] } }, 'tier')).body.data.map((r: { name: string }) => r.name)).toEqual([
      's3',
      's1',
    ]);
    expect((await q({ is_big: true }, 'name')).body.data.map((r: { name: string }) => r.name)).toEqual(['s2', 's3']);
    // a numeric formula takes number operators only
    const bad = await q({ weighted: { contains: '5' } }, 'name');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ code: 'operator' });
  });

  it('cannot be written', async () => {
    const acc = await newAccount('F3');
    const before = (await t.sql('select count(*)::int as n from ??', [`${t.schema}.fr_deal`]))[0].n;
    const res = await t.api('POST', '/api/v1/records/fr_deal', { name: 'x', account: acc, weighted: 5 });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ field: 'weighted', code: 'readOnly' });
    expect((await t.sql('select count(*)::int as n from ??', [`${t.schema}.fr_deal`]))[0].n).toBe(before);
  });

  it('recomputes every record when its expression changes', async () => {
    const def = (await t.api('GET', '/api/v1/meta/objects/fr_deal')).body;
    def.fields = def.fields.map((f: { apiName: string }) =>
      f.apiName === 'tier' ? { ...f, expression: { if: [{ var: 'is_big_unused' }, 'X', 'Y'] } } : f,
    );
    const refused = await t.api('PUT', '/api/v1/meta/objects/fr_deal', def);
    expect(refused.status).toBe(422);
    def.fields = def.fields.map((f: { apiName: string }) =>
      f.apiName === 'tier' ? { ...f, expression: { if: [{ '>': [{ var: 'amount' }, 0] }, 'paid', 'free'] } } : f,
    );
    expect((await t.api('PUT', '/api/v1/meta/objects/fr_deal', def)).status).toBe(200);
    const published = await t.api('POST', '/api/v1/meta/publish');
    expect(published.status).toBe(201);
    expect(published.body.plan.map((s: { op: string }) => s.op)).toEqual(['replaceFormula']);
    const tiers = new Set(
      (await t.api('GET', '/api/v1/records/fr_deal?limit=500')).body.data.map((r: { tier: string }) => r.tier),
    );
    expect([...tiers].sort()).toEqual(['free', 'paid']);
  });

  it('refuses formulas that do not type-check, naming the path', async () => {
    const base = {
      apiName: 'fr_bad',
      label: 'B',
      pluralLabel: 'Bs',
      nameField: 'name',
      fields: [
        { apiName: 'name', type: 'text', label: 'N' },
        { apiName: 'n', type: 'number', label: 'N' },
      ],
    };
    const cases: [unknown, string, string][] = [
      [{ '+': [{ var: 'name' }, 1] }, 'number', '/fields/2/expression/+/0'],
      [{ var: 'missing' }, 'text', '/fields/2/expression/var'],
      [{ '+': [{ var: 'n' }, 1] }, 'boolean', '/fields/2/expression'],
      [{ method: [{ var: 'name' }, 'toUpperCase'] }, 'text', '/fields/2/expression/method'],
      [{ if: [{ var: 'n' }, 'a', 'b'] }, 'text', '/fields/2/expression/if/0'],
    ];
    for (const [expression, returnType, path] of cases) {
      const res = await t.api('POST', '/api/v1/meta/objects', {
        ...base,
        fields: [...base.fields, { apiName: 'f', type: 'formula', label: 'F', returnType, expression }],
      });
      expect(res.status, JSON.stringify(expression)).toBe(422);
      expect(res.body.errors[0], JSON.stringify(expression)).toMatchObject({ field: path, code: 'formula' });
    }
    expect((await t.api('GET', '/api/v1/meta/objects/fr_bad')).status).toBe(404);
  });
});

describe('rollup fields', () => {
  it('follow child creates, updates, re-parenting, deletes and restores', async () => {
    const a = await newAccount('R1');
    const b = await newAccount('R2');
    expect(await accountRow(a)).toMatchObject({ open_deals: 0, pipeline: 0, last_close: null });
    const d1 = await newDeal({ name: 'd1', amount: 100, close_date: '2027-01-10', account: a });
    const d2 = await newDeal({ name: 'd2', amount: 250.5, close_date: '2027-03-01', account: a });
    await newDeal({ name: 'd3', amount: 1000, status: 'lost', close_date: '2027-05-01', account: a });
    expect(await accountRow(a)).toMatchObject({ open_deals: 2, pipeline: 1350.5, last_close: '2027-05-01' });

    await t.api('PATCH', `/api/v1/records/fr_deal/${d1.id}`, { amount: 200 });
    expect(await accountRow(a)).toMatchObject({ pipeline: 1450.5 });

    await t.api('PATCH', `/api/v1/records/fr_deal/${d2.id}`, { account: b });
    expect(await accountRow(a)).toMatchObject({ open_deals: 1, pipeline: 1200 });
    expect(await accountRow(b)).toMatchObject({ open_deals: 1, pipeline: 250.5, last_close: '2027-03-01' });

    expect((await t.api('DELETE', `/api/v1/records/fr_deal/${d1.id}`)).status).toBe(204);
    expect(await accountRow(a)).toMatchObject({ open_deals: 0, pipeline: 1000 });
    expect((await t.api('POST', `/api/v1/records/fr_deal/${d1.id}/restore`)).status).toBe(200);
    expect(await accountRow(a)).toMatchObject({ open_deals: 1, pipeline: 1200 });
  });

  it('follow bulk writes', async () => {
    const a = await newAccount('R3');
    const res = await t.api('POST', '/api/v1/records/fr_deal/bulk', {
      records: Array.from({ length: 50 }, (_, i) => ({ name: `b${i}`, amount: 10, account: a })),
    });
    expect(res.status).toBe(200);
    expect(await accountRow(a)).toMatchObject({ open_deals: 50, pipeline: 500 });
  });

  it('are computed for existing records when published', async () => {
    const a = await newAccount('R4');
    await newDeal({ name: 'x', amount: 70, account: a });
    await newDeal({ name: 'y', amount: 30, account: a });
    const def = (await t.api('GET', '/api/v1/meta/objects/fr_account')).body;
    def.fields.push({
      apiName: 'smallest',
      type: 'rollup',
      label: 'Smallest',
      child: 'fr_deal',
      relationField: 'account',
      aggregate: 'min',
      field: 'amount',
    });
    expect((await t.api('PUT', '/api/v1/meta/objects/fr_account', def)).status).toBe(200);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    expect(await accountRow(a)).toMatchObject({ smallest: 30, pipeline: 100 });
    const sorted = await t.api(
      'GET',
      `/api/v1/records/fr_account?filter=${encodeURIComponent(JSON.stringify({ pipeline: { gte: 100 } }))}&sort=-pipeline`,
    );
    expect(sorted.status).toBe(200);
    expect(sorted.body.data[0].pipeline).toBeGreaterThanOrEqual(sorted.body.data[sorted.body.data.length - 1].pipeline);
  });

  it('refuses rollups that do not fit their child', async () => {
    const base = {
      apiName: 'fr_parent',
      label: 'P',
      pluralLabel: 'Ps',
      nameField: 'name',
      fields: [{ apiName: 'name', type: 'text', label: 'N' }],
    };
    expect((await t.api('POST', '/api/v1/meta/objects', base)).status).toBe(201);
    const cases: [Record<string, unknown>, string][] = [
      [{ child: 'nothing', relationField: 'account', aggregate: 'count' }, 'child'],
      [{ child: 'fr_deal', relationField: 'account', aggregate: 'count' }, 'relationField'],
      [{ child: 'fr_deal', relationField: 'name', aggregate: 'count' }, 'relationField'],
    ];
    for (const [settings, field] of cases) {
      const def = { ...base, fields: [...base.fields, { apiName: 'r', type: 'rollup', label: 'R', ...settings }] };
      expect((await t.api('PUT', '/api/v1/meta/objects/fr_parent', def)).status).toBe(200);
      const res = await t.api('POST', '/api/v1/meta/publish');
      expect(res.status).toBe(422);
      expect(res.body.errors[0].field).toBe(`/objects/fr_parent/fields/1/${field}`);
    }
    const sumOfText = {
      ...base,
      fields: [
        ...base.fields,
        {
          apiName: 'r',
          type: 'rollup',
          label: 'R',
          child: 'fr_deal',
          relationField: 'account',
          aggregate: 'sum',
          field: 'name',
        },
      ],
    };
    expect((await t.api('PUT', '/api/v1/meta/objects/fr_parent', sumOfText)).status).toBe(200);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(422);
    expect((await t.api('DELETE', '/api/v1/meta/objects/fr_parent')).status).toBe(204);
  });
});

describe('computed fields', () => {
  const aggregate = (object: string, filter: unknown, params: Record<string, string>) =>
    t.api(
      'GET',
      `/api/v1/records/${object}/aggregate?${new URLSearchParams({ filter: JSON.stringify(filter), ...params })}`,
    );

  it('group, bucket and aggregate as their return type does', async () => {
    const acc = await newAccount('RT');
    await newDeal({ name: 'r1', amount: 2000, probability: 50, close_date: '2026-03-05', account: acc });
    await newDeal({ name: 'r2', amount: 6000, probability: 10, close_date: '2026-03-20', account: acc });
    await newDeal({ name: 'r3', amount: 100, probability: 100, close_date: '2026-04-01', account: acc });
    const deals = (params: Record<string, string>) => aggregate('fr_deal', { account: acc }, params);

    // text and boolean formulas group like text and booleans
    const byTitle = await deals({ groupBy: 'title' });
    expect(byTitle.status, JSON.stringify(byTitle.body)).toBe(200);
    expect(byTitle.body.data.map((r: { title: string }) => r.title)).toEqual([
      'r1 (open)?',
      'r2 (open)?',
      'r3 (open)?',
    ]);
    const byBig = await deals({ groupBy: 'is_big' });
    expect(byBig.body.data).toEqual([
      { is_big: false, count: 1 },
      { is_big: true, count: 2 },
    ]);
    // a date formula takes a bucket like a date
    const byMonth = await deals({ groupBy: 'close_on:month', metrics: 'count,min:close_on' });
    expect(byMonth.status, JSON.stringify(byMonth.body)).toBe(200);
    expect(byMonth.body.data).toEqual([
      { 'close_on:month': '2026-03-01', count: 2, 'min:close_on': '2026-03-05' },
      { 'close_on:month': '2026-04-01', count: 1, 'min:close_on': '2026-04-01' },
    ]);
    // a currency formula sums like an amount, and is not grouped by, as an amount is not
    const sum = await deals({ metrics: 'sum:weighted,avg:weighted' });
    expect(sum.body.data).toEqual([{ 'sum:weighted': 1700, 'avg:weighted': 1700 / 3 }]);
    const refused = await deals({ groupBy: 'weighted' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({ field: 'groupBy', code: 'notGroupable' });
    const textSum = await deals({ metrics: 'sum:title' });
    expect(textSum.status).toBe(400);
    expect(textSum.body.errors[0]).toMatchObject({ field: 'metrics', code: 'type' });

    // a rollup giving a date groups like a date; one giving a number sums
    const accounts = (params: Record<string, string>) => aggregate('fr_account', { name: 'RT' }, params);
    const byClose = await accounts({ groupBy: 'last_close:year', metrics: 'count,sum:pipeline' });
    expect(byClose.status, JSON.stringify(byClose.body)).toBe(200);
    expect(byClose.body.data).toEqual([{ 'last_close:year': '2026-01-01', count: 1, 'sum:pipeline': 8100 }]);
  });

  it('are exported to CSV as their return type is', async () => {
    const acc = await newAccount('CSV');
    await newDeal({ name: 'c1', amount: 1500, probability: 20, close_date: '2026-05-06', account: acc });
    const query = new URLSearchParams({
      fields: 'weighted,close_on,is_big,title',
      filter: JSON.stringify({ account: acc }),
    });
    const res = await fetch(`${t.url}/api/v1/records/fr_deal/export?${query}`, {
      headers: { authorization: `Bearer ${t.token}` },
    });
    expect(res.status).toBe(200);
    const [, row] = (await res.text()).split('\r\n');
    expect(row!.split(',').slice(1)).toEqual(['300.00', '2026-05-06', 'true', 'c1 (open)?']);
  });

  it('name in the runtime view the type their values have, the default return type included', async () => {
    const view = (await t.api('GET', '/api/v1/meta/runtime')).body;
    const fields = (object: string) =>
      new Map(
        view.objects
          .find((o: { apiName: string }) => o.apiName === object)
          .fields.map((f: { apiName: string }) => [f.apiName, f]),
      );
    const deal = fields('fr_deal');
    const account = fields('fr_account');
    expect(deal.get('close_on')).toMatchObject({ returnType: 'date', readOnly: true, widget: 'readonly' });
    expect(deal.get('weighted')).toMatchObject({ returnType: 'currency' });
    expect(account.get('open_deals')).toMatchObject({ returnType: 'number' });
    expect(account.get('last_close')).toMatchObject({ returnType: 'date' });
    expect((deal.get('close_on') as { operators: string[] }).operators).toEqual(
      (deal.get('close_date') as { operators: string[] }).operators,
    );
    expect(deal.get('name')).not.toHaveProperty('returnType');
  });
});
