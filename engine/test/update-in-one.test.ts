import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectProblem, publish, snapshot, type TestUser } from './support/security.js';
import { startTestEngine, statementCounter, type TestEngine } from './support/test-engine.js';

/**
 * An update by id whose checks can all be said in SQL is one statement (records.service.ts
 * patch): the session, the caller's access, If-Match, the required fields not sent and the
 * validation rules on the record as it would be saved. It must answer, write and record history
 * exactly as the read-check-write path does, and leave every refusal to that path.
 */

const R = '/api/v1/records/upd_deal';
let t: TestEngine;
let rep: TestUser;
let reader: TestUser;
let counted: ReturnType<typeof statementCounter>;

const rule = (apiName: string, condition: unknown, errorField: string) => ({
  apiName,
  condition,
  errorField,
  message: { en: `${apiName} failed` },
});

beforeAll(async () => {
  t = await startTestEngine();
  await publish(t, {
    objects: [
      {
        apiName: 'upd_deal',
        label: 'Deal',
        pluralLabel: 'Deals',
        nameField: 'name',
        sharing: { default: 'read' },
        fields: [
          { apiName: 'name', type: 'text', label: 'Name', required: true },
          {
            apiName: 'stage',
            type: 'picklist',
            label: 'Stage',
            values: [{ value: 'open' }, { value: 'won' }, { value: 'lost' }],
          },
          { apiName: 'amount', type: 'currency', label: 'Amount' },
          { apiName: 'close_date', type: 'date', label: 'Close date' },
          { apiName: 'hot', type: 'boolean', label: 'Hot' },
          { apiName: 'seats', type: 'integer', label: 'Seats' },
        ],
        validationRules: [
          rule(
            'won_needs_close_date',
            { and: [{ '==': [{ var: 'stage' }, 'won'] }, { '!': { var: 'close_date' } }] },
            'close_date',
          ),
          rule('amount_not_negative', { '<': [{ var: 'amount' }, 0] }, 'amount'),
        ],
      },
    ],
    permissionSets: [
      { apiName: 'upd_rw', label: 'RW', objects: { upd_deal: { read: true, create: true, edit: true, delete: true } } },
    ],
  });
  rep = await createUser(t, { name: 'Rep', permissionSets: ['upd_rw'] });
  reader = await createUser(t, { name: 'Reader', permissionSets: ['upd_rw'] });
  counted = statementCounter(t);
});
afterAll(() => t?.close());

async function deal(body: Record<string, unknown>) {
  const res = await rep.api('POST', R, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; version: number } & Record<string, unknown>;
}
const history = async (id: string) =>
  (await rep.api('GET', `${R}/${id}/history`)).body.data.filter((h: { event: string }) => h.event === 'updated');

describe('an update whose checks SQL can make', () => {
  it('is one statement, and answers and records history as the two-statement path did', async () => {
    const d = await deal({
      name: 'One',
      stage: 'open',
      amount: 1000.5,
      close_date: '2026-03-01',
      hot: false,
      seats: 3,
    });
    const changes = { name: 'One, renamed', stage: 'won', amount: 20, close_date: '2026-04-30', hot: true, seats: 4 };
    const res = await counted(() => rep.api('PATCH', `${R}/${d.id}`, changes, { 'If-Match': `"${d.version}"` }));
    expect(res.result.status, JSON.stringify(res.result.body)).toBe(200);
    expect(res.statements).toBe(1);
    expect(res.result.body).toMatchObject({ ...changes, version: d.version + 1 });
    expect(res.result.headers.get('etag')).toBe(`"${d.version + 1}"`);
    expect(await rep.api('GET', `${R}/${d.id}`).then((r) => r.body)).toEqual(res.result.body);
    const entries = await history(d.id);
    const byField = Object.fromEntries(entries.map((h: { field: string }) => [h.field, h]));
    // The code beside the amount did not change, so it has no entry; the others have theirs.
    expect(Object.keys(byField).sort()).toEqual(['amount', 'close_date', 'hot', 'name', 'seats', 'stage']);
    expect(byField.amount).toMatchObject({ oldValue: 1000.5, newValue: 20 });
    expect(byField.close_date).toMatchObject({ oldValue: '2026-03-01', newValue: '2026-04-30' });
    expect(byField.hot).toMatchObject({ oldValue: false, newValue: true });
    expect(byField.seats).toMatchObject({ oldValue: 3, newValue: 4 });
    expect(byField.name).toMatchObject({ oldValue: 'One', newValue: 'One, renamed' });
    const raw = await t.sql<{ old_value: string }>(
      `select old_value::text from ${t.schema}._field_history where record_id = ? and field = 'amount'`,
      [d.id],
    );
    expect(raw.map((r) => r.old_value)).toEqual(['1000.5']);
  });

  it('checks a rule against the stored fields it reads, and writes nothing when it fails', async () => {
    const d = await deal({ name: 'No date', stage: 'open' });
    const before = await snapshot(t, '_field_history');
    expectProblem(await rep.api('PATCH', `${R}/${d.id}`, { stage: 'won' }), 422, [
      { field: 'close_date', code: 'validationRule' },
    ]);
    expect((await rep.api('GET', `${R}/${d.id}`)).body).toMatchObject({ stage: 'open', version: d.version });
    expect(await snapshot(t, '_field_history')).toBe(before);
    const ok = await counted(() => rep.api('PATCH', `${R}/${d.id}`, { stage: 'won', close_date: '2026-05-01' }));
    expect(ok.result.status).toBe(200);
    expect(ok.statements).toBe(1);
  });

  it('answers 412, 404 and 403 as before, writing nothing', async () => {
    const d = await deal({ name: 'Guarded' });
    const before = await snapshot(t, 'upd_deal');
    expectProblem(await rep.api('PATCH', `${R}/${d.id}`, { name: 'x' }, { 'If-Match': '"99"' }), 412, [
      { field: 'If-Match', code: 'stale' },
    ]);
    expect((await rep.api('PATCH', `${R}/01900000-0000-7000-8000-000000000000`, { name: 'x' })).status).toBe(404);
    // Read sharing: the reader sees the rep's deal but may not change it.
    expectProblem(await reader.api('PATCH', `${R}/${d.id}`, { name: 'x' }), 403, [
      { field: 'id', code: 'recordAccess' },
    ]);
    expect(await snapshot(t, 'upd_deal')).toBe(before);
    expect((await rep.api('DELETE', `${R}/${d.id}`)).status).toBe(204);
    const binned = await snapshot(t, 'upd_deal');
    expect((await rep.api('PATCH', `${R}/${d.id}`, { name: 'x' })).status).toBe(404);
    expect(await snapshot(t, 'upd_deal')).toBe(binned);
  });

  it('takes the two-statement path for what SQL does not check, with the same answers', async () => {
    const d = await deal({ name: 'Foreign', amount: 10 });
    // An amount with a currency of its own is not a plain value.
    const res = await counted(() => rep.api('PATCH', `${R}/${d.id}`, { amount: { amount: 12, currency: 'EUR' } }));
    expect(res.result.status, JSON.stringify(res.result.body)).toBe(200);
    expect(res.statements).toBe(2);
    expect(res.result.body).toMatchObject({ amount: 12, amount__currency: 'EUR' });
    expect((await history(d.id)).map((h: { field: string }) => h.field).sort()).toEqual(['amount', 'amount__currency']);
  });

  // Last: it makes seats required for every deal.
  it('refuses a record that breaks a rule or a required field made after it, whatever is changed', async () => {
    const noSeats = await deal({ name: 'No seats', amount: 5 });
    const d = await deal({ name: 'Old one', amount: 5, seats: 1 });
    // As a record stored before the rule was made would be.
    await t.sql(`update ${t.schema}.upd_deal set amount = -5 where id = ?`, [d.id]);
    const draft = await t.api('GET', '/api/v1/meta/objects/upd_deal');
    const object = draft.body;
    object.fields.find((f: { apiName: string }) => f.apiName === 'seats').required = true;
    expect((await t.api('PUT', '/api/v1/meta/objects/upd_deal', object)).status).toBe(200);
    const published = await t.api('POST', '/api/v1/meta/publish', {});
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expectProblem(await rep.api('PATCH', `${R}/${noSeats.id}`, { name: 'Still no seats' }), 422, [
      { field: 'seats', code: 'required' },
    ]);
    expectProblem(await rep.api('PATCH', `${R}/${d.id}`, { seats: 2 }), 422, [
      { field: 'amount', code: 'validationRule' },
    ]);
    const fixed = await counted(() => rep.api('PATCH', `${R}/${d.id}`, { seats: 2, amount: 5 }));
    expect(fixed.result.status).toBe(200);
    expect(fixed.statements).toBe(1);
    expect(fixed.result.body).toMatchObject({ seats: 2, amount: 5, version: d.version + 1 });
  });
});
