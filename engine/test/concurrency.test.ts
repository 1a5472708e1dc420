import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

describe('concurrency', () => {
  it('completes 200 concurrent mixed reads and writes (embedded PGlite has one connection)', async () => {
    const seed = await t.api('POST', '/api/v1/records/account', { name: 'Seed' });
    expect(seed.status).toBe(201);
    const requests = Array.from({ length: 200 }, (_, i) => {
      switch (i % 5) {
        case 0:
          return t.api('POST', '/api/v1/records/account', { name: `Account ${i}`, employees: i });
        case 1:
          return t.api('GET', '/api/v1/records/account?limit=20&sort=-employees');
        case 2:
          return t.api('PATCH', `/api/v1/records/account/${seed.body.id}`, { employees: i });
        case 3:
          return t.api('GET', `/api/v1/records/account/${seed.body.id}`);
        default:
          return t.api('POST', '/api/v1/records/opportunity', {
            name: `Deal ${i}`,
            close_date: '2027-03-01',
            amount: i,
            account: seed.body.id,
          });
      }
    });
    const results = await Promise.all(requests);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s >= 400)).toEqual([]);
    const accounts = await t.sql('select count(*)::int as n from ?? where deleted_at is null', [`${t.schema}.account`]);
    expect(accounts[0].n).toBe(1 + 40);
    const seedNow = await t.api('GET', `/api/v1/records/account/${seed.body.id}`);
    expect(seedNow.body.version).toBe(1 + 40);
    // a publish in the middle of traffic waits its turn too
    const mixed = await Promise.all([
      t.api('POST', '/api/v1/meta/publish'),
      ...Array.from({ length: 20 }, () => t.api('GET', '/api/v1/records/opportunity?limit=5')),
    ]);
    expect(mixed.map((r) => r.status).filter((s) => s >= 400)).toEqual([]);
  });
});
