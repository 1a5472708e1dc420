import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

let t: TestEngine;
const accounts: Record<string, string> = {};
beforeAll(async () => {
  t = await startTestEngine();
  for (const [name, industry] of [
    ['Acme', 'technology'],
    ['Bank of Zed', 'finance'],
    ['Clinic', 'healthcare'],
  ] as const) {
    accounts[name] = (await t.api('POST', '/api/v1/records/account', { name, industry })).body.id;
  }
  const deals = [
    ['Alpha', 'Acme', 500],
    ['Beta', 'Acme', 1500],
    ['Gamma', 'Bank of Zed', 2500],
    ['Delta', 'Clinic', 3500],
    ['Epsilon', null, 4500],
  ] as const;
  for (const [name, account, amount] of deals) {
    const res = await t.api('POST', '/api/v1/records/opportunity', {
      name,
      amount,
      close_date: '2027-01-01',
      ...(account ? { account: accounts[account] } : {}),
    });
    expect(res.status).toBe(201);
  }
});
afterAll(() => t?.close());

const list = (params: Record<string, string>) =>
  t.api('GET', `/api/v1/records/opportunity?${new URLSearchParams(params)}`);

describe('list queries through lookups', () => {
  it('returns lookups as nested objects when fields names them', async () => {
    const res = await list({ fields: 'name,amount,account.name,account.industry', sort: 'amount' });
    expect(res.status).toBe(200);
    expect(res.body.data.map((r: Record<string, unknown>) => [r.name, r.account])).toEqual([
      ['Alpha', { id: accounts.Acme, name: 'Acme', industry: 'technology' }],
      ['Beta', { id: accounts.Acme, name: 'Acme', industry: 'technology' }],
      ['Gamma', { id: accounts['Bank of Zed'], name: 'Bank of Zed', industry: 'finance' }],
      ['Delta', { id: accounts.Clinic, name: 'Clinic', industry: 'healthcare' }],
      ['Epsilon', null],
    ]);
    expect(Object.keys(res.body.data[0]).sort()).toEqual([
      'account',
      'amount',
      'amount__currency',
      'created_at',
      'created_by',
      'id',
      'name',
      'owner_id',
      'updated_at',
      'updated_by',
      'version',
    ]);
  });

  it('filters through a lookup path', async () => {
    const res = await list({
      filter: JSON.stringify({ 'account.industry': { in: ['technology', 'healthcare'] }, amount: { gte: 1000 } }),
      sort: '-amount',
    });
    expect(res.body.data.map((r: { name: string }) => r.name)).toEqual(['Delta', 'Beta']);
    const none = await list({ filter: JSON.stringify({ 'account.name': { isNull: true } }) });
    expect(none.body.data.map((r: { name: string }) => r.name)).toEqual(['Epsilon']);
  });

  it('sorts through a lookup path and pages with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: { name: string }[]; nextCursor: string | null } } = await list({
        sort: '-account.name,name',
        limit: '2',
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...res.body.data.map((r) => r.name));
      cursor = res.body.nextCursor;
    } while (cursor);
    // descending puts the deal without an account (null) first
    expect(seen).toEqual(['Epsilon', 'Delta', 'Gamma', 'Alpha', 'Beta']);
  });

  it('counts exactly or by estimate on request', async () => {
    const exact = await list({ count: 'exact', limit: '1', filter: JSON.stringify({ amount: { gt: 1000 } }) });
    expect(exact.body).toMatchObject({ count: 4, countType: 'exact' });
    expect(exact.body.data).toHaveLength(1);
    const estimated = await list({ count: 'estimated' });
    expect(estimated.body.countType).toBe('estimated');
    expect(typeof estimated.body.count).toBe('number');
    expect((await list({ count: 'maybe' })).status).toBe(400);
  });

  it('refuses unknown paths, deeper paths and non-lookup paths with 400', async () => {
    for (const params of <Record<string, string>[]>[
      { fields: 'account.nothing' },
      { fields: 'name.length' },
      { fields: 'account.parent_account.name' },
      { filter: JSON.stringify({ 'account.nothing': 'x' }) },
      { filter: JSON.stringify({ 'stage.name': 'x' }) },
      { sort: 'account.nothing' },
      { filter: JSON.stringify({ 'account.industry': { gt: 5 } }) },
    ]) {
      const res = await list(params);
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});
