import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
  const res = await t.api('POST', '/api/v1/meta/objects', {
    apiName: 'follow_up',
    label: 'Follow-up',
    pluralLabel: 'Follow-ups',
    nameField: 'name',
    fields: [
      { apiName: 'name', type: 'text', label: 'Name' },
      { apiName: 'due', type: 'date', label: 'Due', default: { formula: { add_days: [{ today: [] }, 30] } } },
      {
        apiName: 'subject',
        type: 'text',
        label: 'Subject',
        maxLength: 12,
        default: { formula: { cat: ['Call ', { var: 'name' }] } },
      },
    ],
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
});
afterAll(() => t?.close());

describe('defaults computed by a formula', () => {
  it('computes them per record from the values sent', async () => {
    const res = await t.api('POST', '/api/v1/records/follow_up', { name: 'Ann' });
    expect(res.status).toBe(201);
    const in30 = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    expect(res.body).toMatchObject({ subject: 'Call Ann', due: in30 });
    const given = await t.api('POST', '/api/v1/records/follow_up', { name: 'Bo', due: '2030-01-01', subject: 'Lunch' });
    expect(given.body).toMatchObject({ due: '2030-01-01', subject: 'Lunch' });
  });

  it('refuses a record whose computed default does not fit the field, writing nothing', async () => {
    const before = (await t.sql('select count(*)::int as n from ??', [`${t.schema}.follow_up`]))[0].n;
    const res = await t.api('POST', '/api/v1/records/follow_up', { name: 'A name far too long' });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ field: 'subject', code: 'default' });
    expect((await t.sql('select count(*)::int as n from ??', [`${t.schema}.follow_up`]))[0].n).toBe(before);
  });

  it('refuses a default formula that uses a forbidden operation', async () => {
    const res = await t.api('POST', '/api/v1/meta/objects', {
      apiName: 'bad_default',
      label: 'B',
      pluralLabel: 'Bs',
      nameField: 'name',
      fields: [
        { apiName: 'name', type: 'text', label: 'N', default: { formula: { method: [{ var: 'x' }, 'toString'] } } },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ field: '/fields/0/default/formula', code: 'logic' });
  });
});
