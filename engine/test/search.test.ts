import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
  for (const name of ['Globex Corporation', 'Initech', 'Globe Trotters Ltd']) {
    expect((await t.api('POST', '/api/v1/records/account', { name })).status).toBe(201);
  }
  expect(
    (
      await t.api('POST', '/api/v1/records/contact', {
        first_name: 'Hank',
        last_name: 'Scorpio',
        email: 'hank@globex.example',
      })
    ).status,
  ).toBe(201);
  const gone = await t.api('POST', '/api/v1/records/account', { name: 'Globex Deleted' });
  expect((await t.api('DELETE', `/api/v1/records/account/${gone.body.id}`)).status).toBe(204);
});
afterAll(() => t?.close());

describe('global search', () => {
  it('finds records across objects by substring, best match first, without deleted ones', async () => {
    const res = await t.api('GET', '/api/v1/search?q=globex');
    expect(res.status).toBe(200);
    const byObject = Object.fromEntries(
      res.body.data.map((g: { object: string; records: { name: string }[] }) => [
        g.object,
        g.records.map((r) => r.name),
      ]),
    );
    expect(byObject.account).toEqual(['Globex Corporation']);
    expect(byObject.contact).toEqual(['Scorpio']);
    const globe = await t.api('GET', '/api/v1/search?q=glob&objects=account');
    expect(globe.body.data).toHaveLength(1);
    expect(globe.body.data[0].records.map((r: { name: string }) => r.name).sort()).toEqual([
      'Globe Trotters Ltd',
      'Globex Corporation',
    ]);
  });

  it('treats LIKE wildcards and SQL in the query as plain text', async () => {
    for (const q of ['%%', '__', "' or 1=1 --", 'x\\']) {
      const res = await t.api('GET', `/api/v1/search?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      expect(res.body.data, q).toEqual([]);
    }
  });

  it('refuses a query that is too short or names an unknown object', async () => {
    expect((await t.api('GET', '/api/v1/search?q=a')).status).toBe(400);
    const unknown = await t.api('GET', '/api/v1/search?q=globex&objects=nothing');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toMatchObject({ field: 'objects', code: 'unknownObject' });
  });
});
