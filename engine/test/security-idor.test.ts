import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUser,
  expectNoLeak,
  expectProblem,
  importDone,
  publish,
  snapshot,
  type TestUser,
} from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * The IDOR matrix: user B, with the same object permissions as user A, against A's private
 * records through every endpoint that reaches a record. A hidden record must look exactly like a
 * missing one (404, or absent from lists, counts, aggregates, search, exports and lookups), and
 * nothing B sends may change it: each write attempt is checked against the stored rows.
 */

const DEAL = 'idor_deal';
const ACCT = 'idor_acct';
const R = '/api/v1/records';
const MISSING = '01900000-0000-7000-8000-000000000000';

let t: TestEngine;
let a: TestUser;
let b: TestUser;
/** A's records: a deal and its account, and a deal in the recycle bin. */
let deal: Record<string, any>;
let acct: Record<string, any>;
let binned: Record<string, any>;
/** B's own deal, pointing at A's account. */
let own: Record<string, any>;

const q = (params: Record<string, string | undefined>) =>
  new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString();
const ids = (body: { data: { id: string }[] }) => body.data.map((r) => r.id);
const tables = async () =>
  [
    await snapshot(t, DEAL),
    await snapshot(t, ACCT),
    await snapshot(t, '_record_shares'),
    await snapshot(t, '_field_history'),
  ].join('\n');

beforeAll(async () => {
  t = await startTestEngine();
  await publish(t, {
    objects: [
      {
        apiName: ACCT,
        label: 'Account',
        pluralLabel: 'Accounts',
        nameField: 'name',
        sharing: { default: 'private' },
        fields: [{ apiName: 'name', type: 'text', label: 'Name', searchable: true }],
      },
      {
        apiName: DEAL,
        label: 'Deal',
        pluralLabel: 'Deals',
        nameField: 'name',
        sharing: { default: 'private' },
        fields: [
          { apiName: 'name', type: 'text', label: 'Name', required: true, searchable: true },
          { apiName: 'code', type: 'text', label: 'Code', unique: true, maxLength: 40 },
          { apiName: 'amount', type: 'number', label: 'Amount' },
          { apiName: 'acct', type: 'lookup', label: 'Account', target: ACCT },
        ],
      },
    ],
    permissionSets: [
      {
        apiName: 'idor_rep',
        label: 'Rep',
        objects: {
          [DEAL]: { read: true, create: true, edit: true, delete: true },
          [ACCT]: { read: true, create: true, edit: true, delete: true },
        },
        system: ['importData', 'exportData'],
      },
    ],
  });
  [a, b] = await Promise.all([
    createUser(t, { name: 'A', permissionSets: ['idor_rep'] }),
    createUser(t, { name: 'B', permissionSets: ['idor_rep'] }),
  ]);
  const made = async (api: TestUser['api'], object: string, body: Record<string, unknown>) => {
    const res = await api('POST', `${R}/${object}`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  acct = await made(a.api, ACCT, { name: 'Zyzzyva Holdings' });
  deal = await made(a.api, DEAL, { name: 'Zyzzyva secret deal', code: 'A-1', amount: 700, acct: acct.id });
  binned = await made(a.api, DEAL, { name: 'Zyzzyva binned deal', code: 'A-2', amount: 5 });
  expect((await a.api('DELETE', `${R}/${DEAL}/${binned.id}`)).status).toBe(204);
  own = await made(b.api, DEAL, { name: 'B own deal', code: 'B-1', amount: 1 });
  // B's deal points at A's account through a row B did not write through the API.
  await t.sql(`update ??.?? set acct = ? where id = ?`, [t.schema, DEAL, acct.id, own.id]);
});
afterAll(() => t?.close());

describe("IDOR: user B against user A's private records", () => {
  it('A sees their own records (the matrix below is not vacuous)', async () => {
    expect((await a.api('GET', `${R}/${DEAL}/${deal.id}`)).status).toBe(200);
    expect(ids((await a.api('GET', `${R}/${DEAL}`)).body)).toEqual([deal.id]);
    expect(ids((await a.api('GET', `${R}/${DEAL}?deleted=only`)).body)).toEqual([binned.id]);
  });

  it('lists: absent with filter, sort, fields, exact count, cursor and the recycle bin', async () => {
    const variants = [
      {},
      { sort: '-amount' },
      { sort: 'name', limit: '1' },
      { fields: 'name,amount,acct' },
      { count: 'exact' },
      { filter: JSON.stringify({ name: { contains: 'Zyzzyva' } }) },
      { filter: JSON.stringify({ id: deal.id }) },
      { filter: JSON.stringify({ owner_id: a.id }), count: 'exact' },
      { filter: JSON.stringify({ amount: { gt: 100 } }), sort: '-amount' },
      { filter: JSON.stringify({ 'acct.name': { contains: 'Zyzzyva' } }) },
    ];
    for (const params of variants) {
      const res = await b.api('GET', `${R}/${DEAL}?${q(params)}`);
      expect(res.status, JSON.stringify(params)).toBe(200);
      expect(JSON.stringify(res.body), JSON.stringify(params)).not.toContain('Zyzzyva');
      expect(
        ids(res.body).every((id) => id === own.id),
        JSON.stringify(params),
      ).toBe(true);
      if (params.count) expect(res.body.count, JSON.stringify(params)).toBe(params.filter ? 0 : 1);
    }
    // Paging with a cursor walks only B's records.
    const first = await b.api('GET', `${R}/${DEAL}?${q({ sort: 'amount', limit: '1' })}`);
    expect(first.body.nextCursor).toBeNull();
    const bin = await b.api('GET', `${R}/${DEAL}?deleted=only&count=exact`);
    expect(bin.body).toMatchObject({ data: [], count: 0 });
    expect(ids((await b.api('GET', `${R}/${ACCT}?count=exact`)).body)).toEqual([]);
  });

  it('get, history, shares and access explanation: 404, the same as a record that does not exist', async () => {
    for (const path of [
      `${DEAL}/${deal.id}`,
      `${DEAL}/${deal.id}/history`,
      `${DEAL}/${deal.id}/shares`,
      `${DEAL}/${deal.id}/access`,
      `${DEAL}/${deal.id}/access?user=${b.id}`,
      `${ACCT}/${acct.id}`,
      `${DEAL}/${binned.id}`,
      `${DEAL}/${binned.id}/history`,
    ]) {
      const hidden = await b.api('GET', `${R}/${path}`);
      const missing = await b.api('GET', `${R}/${path.replace(/[0-9a-f-]{36}/, MISSING)}`);
      expectProblem(hidden, 404);
      expect(hidden.body.title).toBe(missing.body.title);
      expect(hidden.body.detail).toBe(missing.body.detail.replace(MISSING, path.match(/[0-9a-f-]{36}/)![0]));
      expect(JSON.stringify(hidden.body)).not.toContain('Zyzzyva');
    }
  });

  it('PATCH, DELETE, restore, purge and share: 404 and nothing written', async () => {
    const before = await tables();
    const attempts: [string, string, unknown?][] = [
      ['PATCH', `${DEAL}/${deal.id}`, { name: 'pwned' }],
      ['PATCH', `${DEAL}/${deal.id}`, { owner_id: b.id }],
      ['DELETE', `${DEAL}/${deal.id}`],
      ['POST', `${DEAL}/${deal.id}/restore`],
      ['POST', `${DEAL}/${deal.id}/purge`],
      ['POST', `${DEAL}/${binned.id}/restore`],
      ['POST', `${DEAL}/${binned.id}/purge`],
      ['POST', `${DEAL}/${deal.id}/shares`, { userId: b.id, access: 'edit' }],
      ['DELETE', `${DEAL}/${deal.id}/shares/${MISSING}`],
      ['PATCH', `${ACCT}/${acct.id}`, { name: 'pwned' }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await b.api(method, `${R}/${path}`, body);
      expectProblem(res, 404);
      expectNoLeak(res);
    }
    expect(await tables()).toBe(before);
  });

  it("aggregate and search see only B's records", async () => {
    const agg = await b.api(
      'GET',
      `${R}/${DEAL}/aggregate?${q({ metrics: 'count,sum:amount,max:amount', groupBy: 'name' })}`,
    );
    expect(agg.status, JSON.stringify(agg.body)).toBe(200);
    expect(agg.body.data).toEqual([{ name: 'B own deal', count: 1, 'sum:amount': 1, 'max:amount': 1 }]);
    const filtered = await b.api(
      'GET',
      `${R}/${DEAL}/aggregate?${q({ metrics: 'count', filter: JSON.stringify({ owner_id: a.id }) })}`,
    );
    expect(filtered.body.data).toEqual([{ count: 0 }]);
    const search = await b.api('GET', `/api/v1/search?q=Zyzzyva`);
    expect(search.status).toBe(200);
    expect(search.body.data).toEqual([]);
    const mine = await a.api('GET', `/api/v1/search?q=Zyzzyva`);
    expect(mine.body.data.flatMap((g: { records: { id: string }[] }) => g.records.map((r) => r.id)).sort()).toEqual(
      [acct.id, deal.id].sort(),
    );
  });

  it("CSV export leaves A's records out, also when filtered on them or joined to them", async () => {
    for (const params of [
      {},
      { fields: 'name,amount,acct.name' },
      { filter: JSON.stringify({ owner_id: a.id }) },
      { sort: '-amount' },
    ]) {
      const res = await b.api('GET', `${R}/${DEAL}/export?${q(params)}`);
      expect(res.status, JSON.stringify(params)).toBe(200);
      expect(res.body, JSON.stringify(params)).not.toContain('Zyzzyva');
      expect(res.body).not.toContain(deal.id);
    }
    const accounts = await b.api('GET', `${R}/${ACCT}/export`);
    expect(accounts.body.trim()).toBe('id,name');
  });

  it("lookup expansion to A's private account reads as no account", async () => {
    const res = await b.api('GET', `${R}/${DEAL}?${q({ fields: 'name,acct,acct.name' })}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toHaveLength(1);
    expect(JSON.stringify(res.body)).not.toContain('Zyzzyva');
    const byPath = await b.api(
      'GET',
      `${R}/${DEAL}?${q({ filter: JSON.stringify({ 'acct.name': { isNull: false } }) })}`,
    );
    expect(byPath.body.data).toEqual([]);
    const sorted = await b.api('GET', `${R}/${DEAL}?${q({ sort: 'acct.name', fields: 'name,acct.name' })}`);
    expect(JSON.stringify(sorted.body)).not.toContain('Zyzzyva');
  });

  it("bulk upsert on A's key: refused, A's record unchanged, nothing written", async () => {
    const before = await tables();
    const res = await b.api('POST', `${R}/${DEAL}/bulk`, {
      upsertOn: 'code',
      records: [{ code: 'A-1', name: 'pwned', amount: 0 }],
    });
    expectProblem(res, 422);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ field: 'code', code: 'recordAccess', index: 0 }));
    expect(JSON.stringify(res.body)).not.toContain('Zyzzyva');
    const partial = await b.api('POST', `${R}/${DEAL}/bulk`, {
      upsertOn: 'code',
      allOrNone: false,
      records: [{ code: 'A-1', name: 'pwned' }],
    });
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ created: 0, updated: 0, failed: 1 });
    expect(await tables()).toBe(before);
  });

  it("CSV import upsert on A's key: the row fails, A's record unchanged", async () => {
    const before = await tables();
    for (const mode of ['allOrNone', 'skipBadRows']) {
      const res = await b.api(
        'POST',
        `${R}/${DEAL}/import?upsertOn=code&mode=${mode}`,
        'code,name,amount\nA-1,pwned,0\n',
        { 'content-type': 'text/csv' },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      const job = await importDone(b.api, res.headers.get('location')!);
      expect(job, mode).toMatchObject({ rowsFailed: 1 });
      const report = await b.api('GET', job.errorReportUrl);
      expect(report.body).not.toContain('Zyzzyva');
    }
    expect(await tables()).toBe(before);
  });

  it("A's import jobs and their error reports are not B's to read", async () => {
    const res = await a.api('POST', `${R}/${DEAL}/import`, 'code,name,amount\nA-9,Zyzzyva import,notanumber\n', {
      'content-type': 'text/csv',
    });
    expect(res.status).toBe(202);
    const location = res.headers.get('location')!;
    const job = await importDone(a.api, location);
    expect(job.rowsFailed).toBe(1);
    expect((await a.api('GET', job.errorReportUrl)).body).toContain('Zyzzyva');
    for (const path of [location, job.errorReportUrl]) {
      const res = await b.api('GET', path);
      expectProblem(res, 404);
      expect(JSON.stringify(res.body)).not.toContain('Zyzzyva');
    }
  });

  it('a lookup may not point at a record the writer cannot see (no existence oracle)', async () => {
    const before = await tables();
    const single = await b.api('POST', `${R}/${DEAL}`, { name: 'probe', acct: acct.id });
    expectProblem(single, 422, [{ field: 'acct', code: 'reference' }]);
    const patch = await b.api('PATCH', `${R}/${DEAL}/${own.id}`, { acct: acct.id });
    expectProblem(patch, 422, [{ field: 'acct', code: 'reference' }]);
    const bulk = await b.api('POST', `${R}/${DEAL}/bulk`, { records: [{ name: 'probe', acct: acct.id }] });
    expectProblem(bulk, 422);
    expect(bulk.body.errors[0]).toMatchObject({ field: 'acct', code: 'reference', index: 0 });
    // The answer for A's account is the answer for no account at all.
    const missing = await b.api('POST', `${R}/${DEAL}`, { name: 'probe', acct: MISSING });
    expect(single.body.errors[0].message.replace(acct.id, MISSING)).toBe(missing.body.errors[0].message);
    expect(await tables()).toBe(before);
    // A lookup already stored is not checked again when other fields change.
    expect((await b.api('PATCH', `${R}/${DEAL}/${own.id}`, { amount: 2 })).status).toBe(200);
  });
});
