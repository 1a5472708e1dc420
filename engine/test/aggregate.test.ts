import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    expect((await agg('metrics=count,sum:amount,min:amount')).body.data).toEqual([{ count: 5, 'sum:amount': 1425.5, 'min:amount': 75 }]);
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
