import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

let t: TestEngine;
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
beforeAll(async () => {
  t = await startTestEngine();
  for (const [name, offset] of [
    ['past40', -40],
    ['yesterday', -1],
    ['today', 0],
    ['soon', 3],
    ['far', 400],
  ] as const) {
    expect((await t.api('POST', '/api/v1/records/opportunity', { name, close_date: day(offset) })).status).toBe(201);
  }
});
afterAll(() => t?.close());

const names = async (filter: unknown) => {
  const res = await t.api(
    'GET',
    `/api/v1/records/opportunity?sort=close_date&filter=${encodeURIComponent(JSON.stringify(filter))}`,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.map((r: { name: string }) => r.name);
};

describe('relative dates in filters', () => {
  it('matches date literals as ranges', async () => {
    expect(await names({ close_date: 'today' })).toEqual(['today']);
    expect(await names({ close_date: { eq: 'yesterday' } })).toEqual(['yesterday']);
    expect(await names({ close_date: { eq: 'last_n_days:7' } })).toEqual(['yesterday', 'today']);
    expect(await names({ close_date: { eq: 'next_n_days:7' } })).toEqual(['soon']);
    expect(await names({ close_date: { gt: 'today' } })).toEqual(['soon', 'far']);
    expect(await names({ close_date: { lt: 'today' } })).toEqual(['past40', 'yesterday']);
    expect(await names({ close_date: { between: ['last_n_days:60', 'next_n_days:30'] } })).toEqual([
      'past40',
      'yesterday',
      'today',
      'soon',
    ]);
    expect(await names({ close_date: { ne: 'today' } })).toEqual(['past40', 'yesterday', 'soon', 'far']);
  });

  it('works on datetime system fields too', async () => {
    expect((await names({ created_at: { eq: 'today' } })).length).toBe(5);
    expect(await names({ created_at: { lt: 'yesterday' } })).toEqual([]);
  });

  it('refuses literals on other field types and unknown literals', async () => {
    for (const filter of [{ amount: 'today' }, { close_date: 'this_decade' }, { close_date: { in: ['today'] } }]) {
      const res = await t.api(
        'GET',
        `/api/v1/records/opportunity?filter=${encodeURIComponent(JSON.stringify(filter))}`,
      );
      expect(res.status, JSON.stringify(filter)).toBe(400);
    }
    // on a text field a literal is plain text
    expect(await names({ name: 'today' })).toEqual(['today']);
  });
});
