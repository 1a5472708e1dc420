import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, publish, type TestUser } from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
  const deals = [
    { name: 'A', stage: 'prospecting', amount: 100, close_date: '2026-01-15' },
    { name: 'B', stage: 'prospecting', amount: 250.5, close_date: '2026-01-20' },
    { name: 'C', stage: 'closed_won', amount: 1000, close_date: '2026-02-03' },
    { name: 'D', stage: 'closed_won', close_date: '2026-04-09' },
    { name: 'E', stage: 'closed_lost', amount: 75, close_date: '2026-04-30' },
  ];
  for (const d of deals) expect((await t.api('POST', '/api/v1/records/opportunity', d)).status).toBe(201);
});
afterAll(() => t?.close());

const agg = (query: string) => t.api('GET', `/api/v1/records/opportunity/aggregate?${query}`);

describe('aggregates', () => {
  it('counts and sums per picklist value', async () => {
    const res = await agg('groupBy=stage&metrics=count,sum:amount,avg:amount');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { stage: 'closed_lost', count: 1, 'sum:amount': 75, 'avg:amount': 75 },
      { stage: 'closed_won', count: 2, 'sum:amount': 1000, 'avg:amount': 1000 },
      { stage: 'prospecting', count: 2, 'sum:amount': 350.5, 'avg:amount': 175.25 },
    ]);
  });

  it('buckets dates by month and quarter, under a filter', async () => {
    const months = await agg('groupBy=close_date:month&metrics=count');
    expect(months.body.data).toEqual([
      { 'close_date:month': '2026-01-01', count: 2 },
      { 'close_date:month': '2026-02-01', count: 1 },
      { 'close_date:month': '2026-04-01', count: 2 },
    ]);
    const filter = encodeURIComponent(JSON.stringify({ stage: { ne: 'closed_lost' } }));
    const quarters = await agg(`groupBy=close_date:quarter&metrics=count,max:close_date&filter=${filter}`);
    expect(quarters.body.data).toEqual([
      { 'close_date:quarter': '2026-01-01', count: 3, 'max:close_date': '2026-02-03' },
      { 'close_date:quarter': '2026-04-01', count: 1, 'max:close_date': '2026-04-09' },
    ]);
  });

  it('totals without groupBy', async () => {
    expect((await agg('metrics=count,sum:amount,min:amount')).body.data).toEqual([
      { count: 5, 'sum:amount': 1425.5, 'min:amount': 75 },
    ]);
  });

  it('refuses unknown fields, metrics and buckets with 400', async () => {
    for (const [query, field, code] of [
      ['groupBy=nothing', 'groupBy', 'unknownField'],
      ['groupBy=description', 'groupBy', 'notGroupable'],
      ['groupBy=stage:month', 'groupBy', 'bucket'],
      ['metrics=sum:name', 'metrics', 'type'],
      ['metrics=median:amount', 'metrics', 'unknownMetric'],
      ['metrics=count&filter={bad', 'filter', 'json'],
    ]) {
      const res = await agg(query!);
      expect(res.status, query).toBe(400);
      expect(res.body.errors[0], query).toMatchObject({ field, code });
    }
  });
});

describe('lookup groups with the name of the record they point to', () => {
  const ACCT = 'agl_acct';
  const DEAL = 'agl_deal';
  let rep: TestUser;
  let nameless: TestUser;
  const ids: Record<string, string> = {};
  const byAccount = async (api = t.api) => {
    const res = await api('GET', `/api/v1/records/${DEAL}/aggregate?groupBy=acct&metrics=count,sum:amount`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as Record<string, unknown>[];
  };

  beforeAll(async () => {
    await publish(t, {
      objects: [
        {
          apiName: ACCT,
          label: 'Account',
          pluralLabel: 'Accounts',
          nameField: 'name',
          sharing: { default: 'private' },
          fields: [{ apiName: 'name', type: 'text', label: 'Name' }],
        },
        {
          apiName: DEAL,
          label: 'Deal',
          pluralLabel: 'Deals',
          nameField: 'name',
          sharing: { default: 'read' },
          fields: [
            { apiName: 'name', type: 'text', label: 'Name' },
            { apiName: 'amount', type: 'number', label: 'Amount' },
            { apiName: 'acct', type: 'lookup', label: 'Account', target: ACCT },
          ],
        },
      ],
      permissionSets: [
        {
          apiName: 'agl_rep',
          label: 'Rep',
          objects: {
            [ACCT]: { read: true, create: true, edit: true },
            [DEAL]: { read: true, create: true, edit: true },
          },
        },
        {
          apiName: 'agl_nameless',
          label: 'Nameless',
          objects: { [ACCT]: { read: true, viewAll: true }, [DEAL]: { read: true } },
          fields: { [`${ACCT}.name`]: { read: false, edit: false } },
        },
      ],
    });
    [rep, nameless] = await Promise.all([
      createUser(t, { name: 'Rep', permissionSets: ['agl_rep'] }),
      createUser(t, { name: 'Nameless', permissionSets: ['agl_nameless'] }),
    ]);
    const made = async (api: typeof t.api, object: string, body: Record<string, unknown>) => {
      const res = await api('POST', `/api/v1/records/${object}`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    ids.acme = await made(t.api, ACCT, { name: 'Acme Holdings' });
    ids.globex = await made(rep.api, ACCT, { name: 'Globex' });
    ids.gone = await made(t.api, ACCT, { name: 'Gone Ltd' });
    for (const [name, amount, acct] of [
      ['a1', 10, ids.acme],
      ['a2', 5, ids.acme],
      ['g1', 7, ids.globex],
      ['x1', 1, ids.gone],
      ['none', 2, null],
    ] as const) {
      await made(t.api, DEAL, { name, amount, acct });
    }
    expect((await t.api('DELETE', `/api/v1/records/${ACCT}/${ids.gone}`)).status).toBe(204);
  });

  it('answers the name beside each key, from the same statement', async () => {
    const rows = await byAccount();
    const find = (id: string | null) => rows.find((r) => r.acct === id);
    expect(find(ids.acme!)).toEqual({ acct: ids.acme, 'acct:label': 'Acme Holdings', count: 2, 'sum:amount': 15 });
    expect(find(ids.globex!)).toEqual({ acct: ids.globex, 'acct:label': 'Globex', count: 1, 'sum:amount': 7 });
    // Deals without an account (one lost it when its account was deleted) group under null.
    expect(find(null)).toEqual({ acct: null, 'acct:label': null, count: 2, 'sum:amount': 3 });
    expect(rows).toHaveLength(3);
    // Two groups, one a lookup: each lookup key gets its label.
    const two = await t.api('GET', `/api/v1/records/${DEAL}/aggregate?groupBy=name,acct&metrics=count`);
    expect(two.body.data.find((r: Record<string, unknown>) => r.name === 'a1')).toEqual({
      name: 'a1',
      acct: ids.acme,
      'acct:label': 'Acme Holdings',
      count: 1,
    });
  });

  it('shows no name for an account the caller cannot see: the counts stay, the name does not leak', async () => {
    const rows = await byAccount(rep.api);
    expect(rows.find((r) => r.acct === ids.acme)).toEqual({
      acct: ids.acme,
      'acct:label': null,
      count: 2,
      'sum:amount': 15,
    });
    expect(rows.find((r) => r.acct === ids.globex)).toEqual({
      acct: ids.globex,
      'acct:label': 'Globex',
      count: 1,
      'sum:amount': 7,
    });
    expect(JSON.stringify(rows)).not.toContain('Acme');
  });

  it('shows no name when the caller may not read the name field', async () => {
    const rows = await byAccount(nameless.api);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row['acct:label']).toBeNull();
    expect(JSON.stringify(rows)).not.toMatch(/Acme|Globex/);
  });
});
