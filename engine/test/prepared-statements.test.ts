import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * Creates and list pages run as named prepared statements once they repeat. A publish that
 * changes a column's type changes what those statements return; they must keep working.
 */

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

const gauge = (precision: number, scale: number) => ({
  apiName: 'gauge',
  label: 'Gauge',
  pluralLabel: 'Gauges',
  nameField: 'name',
  fields: [
    { apiName: 'name', type: 'text', label: 'Name' },
    { apiName: 'reading', type: 'number', label: 'Reading', precision, scale },
  ],
});

describe('prepared statements', () => {
  it('keep creating and listing after a publish changes a column type', async () => {
    expect((await t.api('POST', '/api/v1/meta/objects', gauge(8, 2))).status).toBe(201);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    for (let i = 0; i < 6; i++) {
      expect((await t.api('POST', '/api/v1/records/gauge', { name: `g${i}`, reading: 1.25 })).status).toBe(201);
      expect((await t.api('GET', '/api/v1/records/gauge?sort=name&limit=2')).status).toBe(200);
    }
    expect((await t.api('PUT', '/api/v1/meta/objects/gauge', gauge(14, 4))).status).toBe(200);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    const created = await t.api('POST', '/api/v1/records/gauge', { name: 'after', reading: 1.2345 });
    expect(created.status).toBe(201);
    expect(created.body.reading).toBe(1.2345);
    const listed = await t.api('GET', '/api/v1/records/gauge?sort=name&limit=2');
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((r: { name: string }) => r.name)).toEqual(['after', 'g0']);
  });
});
