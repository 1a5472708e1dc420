import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

const count = async (table = 'product') =>
  (await t.sql('select count(*)::int as n from ?? where deleted_at is null', [`${t.schema}.${table}`]))[0].n;
const bulk = (body: unknown, headers: Record<string, string> = {}) =>
  t.api('POST', '/api/v1/records/product/bulk', body, headers);

describe('bulk', () => {
  it('creates 10,000 records in one request', async () => {
    const records = Array.from({ length: 10_000 }, (_, i) => ({
      name: `Widget ${i}`,
      product_code: `W-${i}`,
      list_price: i / 4,
    }));
    const res = await bulk({ records });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 10_000, updated: 0, failed: 0 });
    expect(await count()).toBe(10_000);
    const one = await t.api('GET', `/api/v1/records/product/${res.body.results[4321].id}`);
    expect(one.body).toMatchObject({ name: 'Widget 4321', product_code: 'W-4321', list_price: 1080.25, active: true });
  });

  it('refuses the whole request when one row is bad, naming each bad row', async () => {
    const before = await count();
    const res = await bulk({
      records: [
        { name: 'Good', product_code: 'G-1' },
        { product_code: 'G-2' },
        { name: 'Dup', product_code: 'W-7' },
        { name: 'x', list_price: 'free' },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ index: 1, field: 'name', code: 'required' }),
        expect.objectContaining({ index: 2, field: 'product_code', code: 'unique' }),
        expect.objectContaining({ index: 3, field: 'list_price', code: 'type' }),
      ]),
    );
    expect(res.body.errors.some((e: { index: number }) => e.index === 0)).toBe(false);
    expect(await count()).toBe(before);
  });

  it('writes the good rows and reports the bad ones with allOrNone: false', async () => {
    const before = await count();
    const res = await bulk({
      allOrNone: false,
      records: [
        { name: 'Partial A', product_code: 'P-1' },
        { name: 'Partial B', product_code: 'P-1' },
        { name: 'Partial C' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, failed: 1 });
    expect(res.body.results[1]).toMatchObject({
      index: 1,
      ok: false,
      errors: [expect.objectContaining({ field: 'product_code', code: 'unique' })],
    });
    expect(await count()).toBe(before + 2);
  });

  it('upserts on a unique field: updates matches, inserts the rest', async () => {
    const before = await count();
    const res = await bulk({
      upsertOn: 'product_code',
      records: [
        { product_code: 'W-1', list_price: 99 },
        { product_code: 'NEW-1', name: 'Brand new' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1, updated: 1, failed: 0 });
    expect(await count()).toBe(before + 1);
    const updated = await t.api(
      'GET',
      `/api/v1/records/product?filter=${encodeURIComponent('{"product_code":"W-1"}')}`,
    );
    expect(updated.body.data[0]).toMatchObject({ name: 'Widget 1', list_price: 99, version: 2 });
    const dup = await bulk({
      upsertOn: 'product_code',
      records: [
        { product_code: 'W-2', name: 'a' },
        { product_code: 'W-2', name: 'b' },
      ],
    });
    expect(dup.status).toBe(422);
    expect(dup.body.errors[0]).toMatchObject({ index: 1, field: 'product_code', code: 'duplicate' });
    expect((await bulk({ upsertOn: 'name', records: [{ name: 'x' }] })).body.errors[0]).toMatchObject({
      field: '/upsertOn',
      code: 'notUnique',
    });
  });

  it('does a retried request with the same Idempotency-Key only once', async () => {
    const before = await count();
    const body = { records: [{ name: 'Once', product_code: 'ONCE-1' }] };
    const first = await bulk(body, { 'idempotency-key': 'retry-42' });
    const second = await bulk(body, { 'idempotency-key': 'retry-42' });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await count()).toBe(before + 1);
    const reused = await bulk(
      { records: [{ name: 'Other', product_code: 'ONCE-2' }] },
      { 'idempotency-key': 'retry-42' },
    );
    expect(reused.status).toBe(422);
    expect(reused.body.errors[0]).toMatchObject({ field: 'Idempotency-Key', code: 'reused' });
    expect(await count()).toBe(before + 1);
  });

  it('answers two requests sent together with the same Idempotency-Key once, the other a replay', async () => {
    const before = await count();
    const body = { records: [{ name: 'Together', product_code: 'TOGETHER-1' }] };
    const answers = await Promise.all([
      bulk(body, { 'idempotency-key': 'together-7' }),
      bulk(body, { 'idempotency-key': 'together-7' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(1);
    expect(answers[0].body).toEqual(answers[1].body);
    expect(await count()).toBe(before + 1);
  });

  it('refuses malformed bulk bodies with 400', async () => {
    for (const [body, field] of [
      [[], '/records'],
      [{ records: [] }, '/records'],
      [{ records: [1] }, '/records/0'],
      [{ records: [{}], extra: 1 }, '/extra'],
      [{ records: [{}], allOrNone: 'no' }, '/allOrNone'],
    ] as const) {
      const res = await bulk(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors[0].field).toBe(field);
    }
    expect((await bulk({ records: Array.from({ length: 10_001 }, () => ({})) })).status).toBe(400);
  });
});
