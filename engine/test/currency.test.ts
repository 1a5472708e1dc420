import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

const deal = async (amount: unknown, close_date: string) => {
  const res = await t.api('POST', '/api/v1/records/opportunity', { name: 'FX deal', amount, close_date });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
const totals = (query: string) =>
  t.api('GET', `/api/v1/records/opportunity/aggregate?metrics=count,sum:amount&${query}`);

describe('multi-currency', () => {
  it('keeps each amount with its ISO code; a bare number is in the corporate currency', async () => {
    expect((await t.api('GET', '/api/v1/currencies')).body).toEqual({ corporate: 'USD', rates: [] });
    const usd = await deal(100, '2026-06-01');
    expect(usd).toMatchObject({ amount: 100, amount__currency: 'USD' });
    const eur = await deal({ amount: 200, currency: 'EUR' }, '2026-06-01');
    expect(eur).toMatchObject({ amount: 200, amount__currency: 'EUR' });
    const jpy = await deal({ amount: 30000, currency: 'JPY' }, '2027-02-01');
    expect((await t.api('GET', `/api/v1/records/opportunity/${jpy.id}`)).body).toMatchObject({
      amount: 30000,
      amount__currency: 'JPY',
    });
    const bad = await t.api('POST', '/api/v1/records/opportunity', {
      name: 'x',
      close_date: '2026-01-01',
      amount: { amount: 5, currency: 'euro' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe('amount');
  });

  it('refuses to convert while a rate is missing, naming the currencies', async () => {
    const res = await totals('currency=corporate');
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { message: string }) => e.message).join(' ')).toMatch(/EUR.*JPY|JPY.*EUR/s);
  });

  it('converts totals with dated rates', async () => {
    for (const rate of [
      { currency: 'EUR', startDate: '2026-01-01', rate: 0.8 },
      { currency: 'JPY', startDate: '2026-01-01', rate: 150 },
      { currency: 'JPY', startDate: '2027-01-01', rate: 100 },
    ])
      expect((await t.api('POST', '/api/v1/currencies/rates', rate)).status).toBe(201);
    // raw sum mixes currencies; the converted one does not
    expect((await totals('')).body.data).toEqual([{ count: 3, 'sum:amount': 30300 }]);
    // by close date: 100 USD + 200 EUR / 0.8 + 30000 JPY / 100 (the 2027 rate)
    expect((await totals('currency=corporate&rateDate=close_date')).body.data).toEqual([
      { count: 3, 'sum:amount': 650 },
    ]);
    // by creation date (today): the latest rate starting on or before today
    const byCreation = await totals('currency=corporate');
    expect(byCreation.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    const jpyRate = today >= '2027-01-01' ? 100 : 150;
    expect(byCreation.body.data[0]['sum:amount']).toBeCloseTo(100 + 250 + 30000 / jpyRate, 6);
  });

  it('validates rates and guards the corporate currency', async () => {
    for (const [body, field] of [
      [{ currency: 'eur', startDate: '2026-01-01', rate: 1 }, '/currency'],
      [{ currency: 'USD', startDate: '2026-01-01', rate: 1 }, '/currency'],
      [{ currency: 'GBP', startDate: '2026-13-01', rate: 1 }, '/startDate'],
      [{ currency: 'GBP', startDate: '2026-01-01', rate: -2 }, '/rate'],
    ] as const) {
      const res = await t.api('POST', '/api/v1/currencies/rates', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors[0].field).toBe(field);
    }
    const change = await t.api('PUT', '/api/v1/currencies/corporate', { currency: 'EUR' });
    expect(change.status).toBe(409);
    expect((await t.api('GET', '/api/v1/currencies')).body.corporate).toBe('USD');
    expect((await totals('currency=dollars')).status).toBe(400);
    expect((await totals('currency=corporate&rateDate=name')).status).toBe(400);
  });

  it('brings its own engine up to the stamp a currency change moved', async () => {
    const tenant = (await t.engine.tenants.find('default'))!;
    const before = tenant.freshness.current;
    expect((await t.api('PUT', '/api/v1/currencies/corporate', { currency: 'USD' })).status).toBe(200);
    const [{ n }] = (await t.sql<{ n: string }>(`select n from ${t.schema}._stamp`)) as [{ n: string }];
    expect(BigInt(n)).toBeGreaterThan(BigInt(before));
    // Its next request's session check holds at the first try (no redone statement).
    expect(tenant.freshness.current).toBe(String(n));
  });
});
