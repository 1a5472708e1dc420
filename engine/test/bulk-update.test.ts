import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUser,
  expectNoLeak,
  expectProblem,
  publish,
  snapshot,
  type Api,
  type TestUser,
} from './support/security.js';
import { startTestEngine, type ApiResponse, type TestEngine } from './support/test-engine.js';

/**
 * Bulk update by id (PATCH /records/{object}/bulk) and bulk delete (POST …/bulk-delete): each
 * row goes through what a single PATCH or DELETE checks, all rows before any is written. Rep A
 * owns the deals; manager M is above A; rep B is A's peer and sees only what is shared with them;
 * reader R may read deals but not change them. Nobody but the admin may edit `secret`.
 */

const ACCT = 'bu_acct';
const DEAL = 'bu_deal';
const LINE = 'bu_line';
const NOTE = 'bu_note';
const HOLD = 'bu_hold';
const R = '/api/v1/records';
const MISSING = '01900000-0000-7000-8000-000000000000';

let t: TestEngine;
let a: TestUser;
let b: TestUser;
let m: TestUser;
let reader: TestUser;
let acct: string;

const stored = async () =>
  (
    await Promise.all(
      [DEAL, ACCT, LINE, NOTE, HOLD, '_field_history', '_idempotency'].map((table) => snapshot(t, table)),
    )
  ).join('\n');
const made = async (api: Api, object: string, body: Record<string, unknown>) => {
  const res = await api('POST', `${R}/${object}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; version: number } & Record<string, unknown>;
};
/** n new deals of 100 each under the account, created in one bulk request. */
const deals = async (api: Api, n: number, prefix: string): Promise<{ id: string; version: number }[]> => {
  const res = await api('POST', `${R}/${DEAL}/bulk`, {
    records: Array.from({ length: n }, (_, i) => ({ name: `${prefix} ${i}`, amount: 100, acct })),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.results.map((r: { id: string }) => ({ id: r.id, version: 1 }));
};
const get = async (id: string, object = DEAL) => (await t.api('GET', `${R}/${object}/${id}`)).body;
const update = (api: Api, body: unknown, headers?: Record<string, string>) =>
  api('PATCH', `${R}/${DEAL}/bulk`, body, headers);
const remove = (api: Api, body: unknown, headers?: Record<string, string>) =>
  api('POST', `${R}/${DEAL}/bulk-delete`, body, headers);
const history = (id: string) =>
  t.sql<{ event: string; field: string | null; old_value: unknown; new_value: unknown; via: string; user_id: string }>(
    'select event, field, old_value, new_value, via, user_id from ?? where record_id = ? order by seq',
    [`${t.schema}._field_history`, id],
  );

beforeAll(async () => {
  t = await startTestEngine();
  await publish(t, {
    roles: [
      { apiName: 'bu_mgr', label: 'Manager' },
      { apiName: 'bu_rep', label: 'Rep', parent: 'bu_mgr' },
    ],
    objects: [
      {
        apiName: ACCT,
        label: 'Account',
        pluralLabel: 'Accounts',
        nameField: 'name',
        sharing: { default: 'read' },
        fields: [
          { apiName: 'name', type: 'text', label: 'Name' },
          {
            apiName: 'pipeline',
            type: 'rollup',
            label: 'Pipeline',
            child: DEAL,
            relationField: 'acct',
            aggregate: 'sum',
            field: 'amount',
          },
        ],
      },
      {
        apiName: DEAL,
        label: 'Deal',
        pluralLabel: 'Deals',
        nameField: 'name',
        sharing: { default: 'private' },
        fields: [
          { apiName: 'name', type: 'text', label: 'Name', required: true },
          { apiName: 'code', type: 'text', label: 'Code', unique: true, maxLength: 40 },
          { apiName: 'amount', type: 'number', label: 'Amount' },
          { apiName: 'secret', type: 'text', label: 'Secret' },
          { apiName: 'acct', type: 'lookup', label: 'Account', target: ACCT },
        ],
        validationRules: [
          {
            apiName: 'no_negative',
            condition: { '<': [{ var: 'amount' }, 0] },
            errorField: 'amount',
            message: 'Amount cannot be negative.',
          },
        ],
      },
      {
        apiName: LINE,
        label: 'Line',
        pluralLabel: 'Lines',
        nameField: 'name',
        sharing: { default: 'readWrite' },
        fields: [
          { apiName: 'name', type: 'text', label: 'Name' },
          { apiName: 'deal', type: 'masterDetail', label: 'Deal', target: DEAL },
        ],
      },
      {
        apiName: NOTE,
        label: 'Note',
        pluralLabel: 'Notes',
        nameField: 'name',
        sharing: { default: 'readWrite' },
        fields: [
          { apiName: 'name', type: 'text', label: 'Name' },
          { apiName: 'deal', type: 'lookup', label: 'Deal', target: DEAL, onDelete: 'setNull' },
        ],
      },
      {
        apiName: HOLD,
        label: 'Hold',
        pluralLabel: 'Holds',
        nameField: 'name',
        sharing: { default: 'readWrite' },
        fields: [
          { apiName: 'name', type: 'text', label: 'Name' },
          { apiName: 'deal', type: 'lookup', label: 'Deal', target: DEAL, onDelete: 'restrict' },
        ],
      },
    ],
    permissionSets: [
      {
        apiName: 'bu_sales',
        label: 'Sales',
        objects: Object.fromEntries(
          [ACCT, DEAL, LINE, NOTE, HOLD].map((o) => [o, { read: true, create: true, edit: true, delete: true }]),
        ),
        fields: { [`${DEAL}.secret`]: { read: true, edit: false } },
      },
      { apiName: 'bu_read', label: 'Read', objects: { [DEAL]: { read: true, viewAll: true } } },
    ],
  });
  [a, b, m, reader] = await Promise.all([
    createUser(t, { name: 'A', role: 'bu_rep', permissionSets: ['bu_sales'] }),
    createUser(t, { name: 'B', role: 'bu_rep', permissionSets: ['bu_sales'] }),
    createUser(t, { name: 'M', role: 'bu_mgr', permissionSets: ['bu_sales'] }),
    createUser(t, { name: 'Reader', permissionSets: ['bu_read'] }),
  ]);
  acct = (await made(a.api, ACCT, { name: 'Acme' })).id;
});
afterAll(() => t?.close());

describe('bulk update by id', () => {
  it('changes each record, with its history entries (via bulk), new versions and the rollups', async () => {
    const [d1, d2] = await deals(a.api, 2, 'Update');
    const pipeline = (await get(acct, ACCT)).pipeline as number;
    const res = await update(a.api, {
      records: [
        { id: d1!.id, amount: 150, version: d1!.version },
        { id: d2!.id, name: 'Renamed', code: 'U-2' },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      created: 0,
      updated: 2,
      failed: 0,
      results: [
        { index: 0, ok: true, id: d1!.id, created: false, version: 2 },
        { index: 1, ok: true, id: d2!.id, created: false, version: 2 },
      ],
    });
    expect(await get(d1!.id)).toMatchObject({ amount: 150, name: 'Update 0', version: 2, updated_by: a.id });
    expect(await get(d2!.id)).toMatchObject({ amount: 100, name: 'Renamed', code: 'U-2', version: 2 });
    expect((await get(acct, ACCT)).pipeline).toBe(pipeline + 50);
    expect((await history(d1!.id)).slice(1)).toEqual([
      { event: 'updated', field: 'amount', old_value: 100, new_value: 150, via: 'bulk', user_id: a.id },
    ]);
    expect((await history(d2!.id)).slice(1).map((h) => [h.field, h.old_value, h.new_value, h.via])).toEqual([
      ['name', 'Update 1', 'Renamed', 'bulk'],
      ['code', null, 'U-2', 'bulk'],
    ]);
  });

  it('changes the owner of many records in one request, for a manager above their owner', async () => {
    const many = await deals(a.api, 300, 'Transfer');
    const res = await update(m.api, { records: many.map((d) => ({ id: d.id, owner_id: b.id, version: d.version })) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ updated: 300, failed: 0 });
    const owners = await t.sql<{ owner_id: string; n: number }>(
      'select owner_id, count(*)::int as n from ?? where name like ? group by owner_id',
      [`${t.schema}.${DEAL}`, 'Transfer %'],
    );
    expect(owners).toEqual([{ owner_id: b.id, n: 300 }]);
    expect((await history(many[7]!.id)).slice(1)).toEqual([
      { event: 'updated', field: 'owner_id', old_value: a.id, new_value: b.id, via: 'bulk', user_id: m.id },
    ]);
    // The records are B's now: B sees them, A (a peer of B) no longer does.
    expect((await b.api('GET', `${R}/${DEAL}/${many[0]!.id}`)).status).toBe(200);
    expect((await a.api('GET', `${R}/${DEAL}/${many[0]!.id}`)).status).toBe(404);
  });

  it('refuses the whole request when any row is bad, naming each bad row; nothing is written', async () => {
    const [d1, d2, d3] = await deals(a.api, 3, 'Refused');
    await update(a.api, { records: [{ id: d3!.id, code: 'TAKEN' }] });
    const before = await stored();
    const res = await update(a.api, {
      records: [
        { id: d1!.id, amount: 1 }, // fine on its own
        { id: MISSING, amount: 1 },
        { amount: 1 },
        { id: 'not-a-uuid', amount: 1 },
        { id: d1!.id, amount: 2 },
        { id: d2!.id, amount: 1, version: 7 },
        { id: d2!.id.toUpperCase(), name: 'dup' },
        { id: d3!.id, amount: -5 },
      ],
    });
    expectProblem(res, 422);
    const errors = res.body.errors.map((e: { index: number; field: string; code: string }) => [
      e.index,
      e.field,
      e.code,
    ]);
    expect(errors).toEqual(
      expect.arrayContaining([
        [1, 'id', 'notFound'],
        [2, 'id', 'required'],
        [3, 'id', 'format'],
        [4, 'id', 'duplicate'],
        [5, 'version', 'stale'],
        [6, 'id', 'duplicate'],
        [7, 'amount', 'validationRule'],
      ]),
    );
    expect(errors.some(([index]: [number]) => index === 0)).toBe(false);
    expect(await stored()).toBe(before);

    const more = await update(a.api, {
      records: [
        { id: d1!.id, code: 'TAKEN' },
        { id: d2!.id, acct: MISSING },
        { id: d3!.id, owner_id: MISSING },
      ],
    });
    expectProblem(more, 422);
    expect(
      more.body.errors.map((e: { index: number; field: string; code: string }) => [e.index, e.field, e.code]),
    ).toEqual(
      expect.arrayContaining([
        [0, 'code', 'unique'],
        [1, 'acct', 'reference'],
        [2, 'owner_id', 'reference'],
      ]),
    );
    const system = await update(a.api, {
      records: [
        { id: d1!.id, created_at: '2000-01-01T00:00:00Z' },
        { id: d2!.id, owner_id: 'someone' },
        { id: d1!.id, version: 'x' },
      ],
    });
    expect(
      system.body.errors.map((e: { index: number; field: string; code: string }) => [e.index, e.field, e.code]),
    ).toEqual(
      expect.arrayContaining([
        [0, 'created_at', 'readOnly'],
        [1, 'owner_id', 'format'],
        [2, 'id', 'duplicate'],
      ]),
    );
    const badVersion = await update(a.api, { records: [{ id: d1!.id, version: 0 }] });
    expectProblem(badVersion, 422, [{ field: 'version', code: 'type' }]);
    expect(await stored()).toBe(before);
  });

  it('with allOrNone: false, writes the good rows and reports the bad ones', async () => {
    const [d1, d2] = await deals(a.api, 2, 'Partial');
    const res = await update(a.api, {
      allOrNone: false,
      records: [
        { id: d1!.id, amount: 5, version: d1!.version },
        { id: d2!.id, amount: 6, version: d2!.version + 1 },
        { id: MISSING, amount: 7 },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ updated: 1, failed: 2 });
    expect(res.body.results[1]).toMatchObject({ index: 1, ok: false, errors: [{ field: 'version', code: 'stale' }] });
    expect(res.body.results[2]).toMatchObject({ index: 2, ok: false, errors: [{ field: 'id', code: 'notFound' }] });
    expect((await get(d1!.id)).amount).toBe(5);
    expect(await get(d2!.id)).toMatchObject({ amount: 100, version: 1 });
  });

  it('refuses malformed bodies with 400', async () => {
    for (const [body, field] of [
      [[], '/records'],
      [{ records: [] }, '/records'],
      [{ records: [1] }, '/records/0'],
      [{ records: [{ id: MISSING }], upsertOn: 'code' }, '/upsertOn'],
      [{ records: [{ id: MISSING }], allOrNone: 'no' }, '/allOrNone'],
      [{ records: Array.from({ length: 10_001 }, () => ({})) }, '/records'],
    ] as const) {
      const res = await update(a.api, body);
      expectProblem(res, 400);
      expect(res.body.errors[0].field, JSON.stringify(body).slice(0, 80)).toBe(field);
    }
  });

  it('needs edit permission on the object, and edit permission on every field sent (403, nothing written)', async () => {
    const [d1] = await deals(a.api, 1, 'Permission');
    const before = await stored();
    expectProblem(await update(reader.api, { records: [{ id: d1!.id, amount: 1 }] }), 403, [
      { field: DEAL, code: 'objectPermission' },
    ]);
    const fls = await update(a.api, {
      allOrNone: false,
      records: [
        { id: d1!.id, amount: 1 },
        { id: d1!.id, secret: 'mine now' },
      ],
    });
    expectProblem(fls, 403, [{ field: 'secret', code: 'fieldPermission' }]);
    expect(fls.body.errors[0].index).toBe(1);
    expect(await stored()).toBe(before);
    // The admin may edit it: the refusal is the field permission, not the field.
    expect((await update(t.api, { records: [{ id: d1!.id, secret: 'set by admin' }] })).status).toBe(200);
  });

  it('IDOR: a rep cannot change records they cannot see (notFound, as for a missing id) or only read; nothing is written', async () => {
    const [hidden, shared] = await deals(a.api, 2, 'Private');
    expect((await a.api('POST', `${R}/${DEAL}/${shared!.id}/shares`, { userId: b.id, access: 'read' })).status).toBe(
      201,
    );
    const before = await stored();
    for (const allOrNone of [true, false]) {
      const res = await update(b.api, {
        allOrNone,
        records: [
          { id: hidden!.id, name: 'pwned', amount: 0 },
          { id: MISSING, name: 'pwned' },
          { id: shared!.id, name: 'pwned' },
        ],
      });
      const errors = allOrNone
        ? (expectProblem(res, 422), res.body.errors)
        : res.body.results.flatMap((r: { index: number; errors: unknown[] }) =>
            r.errors.map((e) => ({ ...(e as object), index: r.index })),
          );
      if (!allOrNone) expect(res.body).toMatchObject({ updated: 0, failed: 3 });
      const of = (i: number) =>
        errors
          .filter((e: { index: number }) => e.index === i)
          .map((e: { field: string; code: string; message: string }) => ({
            field: e.field,
            code: e.code,
            message: e.message,
          }));
      // A hidden record and a missing one read alike, but for the id each message repeats.
      expect(of(0)).toEqual([{ field: 'id', code: 'notFound', message: `no ${DEAL} ${hidden!.id}` }]);
      expect(of(1)).toEqual([{ field: 'id', code: 'notFound', message: `no ${DEAL} ${MISSING}` }]);
      expect(of(2)).toMatchObject([{ field: 'id', code: 'recordAccess' }]);
      expect(JSON.stringify(res.body)).not.toContain('Private');
      expectNoLeak(res, t.schema);
    }
    expect(await stored()).toBe(before);
    // Transferring needs full access (owner, above the owner, modifyAll): with an edit share the
    // refusal names owner_id.
    expect((await a.api('POST', `${R}/${DEAL}/${hidden!.id}/shares`, { userId: b.id, access: 'edit' })).status).toBe(
      201,
    );
    const snap = await stored();
    const transfer = await update(b.api, { records: [{ id: hidden!.id, owner_id: b.id }] });
    expectProblem(transfer, 422, [{ field: 'owner_id', code: 'recordAccess' }]);
    expect(await stored()).toBe(snap);
    expect((await update(b.api, { records: [{ id: hidden!.id, amount: 1 }] })).status).toBe(200);
  });

  it('answers a retried request with the same Idempotency-Key once, and refuses the key for another request', async () => {
    const [d1] = await deals(a.api, 1, 'Retry');
    const body = { records: [{ id: d1!.id, amount: 1000 }] };
    const first = await update(a.api, body, { 'idempotency-key': 'bulk-update-1' });
    const second = await update(a.api, body, { 'idempotency-key': 'bulk-update-1' });
    expect(first.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    expect((await get(d1!.id)).version).toBe(2);
    const before = await stored();
    expectProblem(
      await update(a.api, { records: [{ id: d1!.id, amount: 1 }] }, { 'idempotency-key': 'bulk-update-1' }),
      422,
      [{ field: 'Idempotency-Key', code: 'reused' }],
    );
    expectProblem(await remove(a.api, { ids: [d1!.id] }, { 'idempotency-key': 'bulk-update-1' }), 422, [
      { field: 'Idempotency-Key', code: 'reused' },
    ]);
    expect(await stored()).toBe(before);
  });

  it('does not take POST …/bulk rows with an id for updates: there id stays a system field', async () => {
    const [d1] = await deals(a.api, 1, 'Post');
    const res = await a.api('POST', `${R}/${DEAL}/bulk`, { records: [{ id: d1!.id, name: 'x' }] });
    expectProblem(res, 422, [{ field: 'id', code: 'readOnly' }]);
  });
});

describe('bulk delete', () => {
  it('moves records to the recycle bin with their masterDetail children, clears setNull lookups, refreshes rollups', async () => {
    const [d1, d2] = await deals(a.api, 2, 'Delete');
    const line = await made(a.api, LINE, { name: 'line', deal: d1!.id });
    const note = await made(a.api, NOTE, { name: 'note', deal: d2!.id });
    const pipeline = (await get(acct, ACCT)).pipeline as number;
    const res = await remove(a.api, { ids: [d1!.id, d2!.id] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      deleted: 2,
      failed: 0,
      results: [
        { index: 0, ok: true, id: d1!.id },
        { index: 1, ok: true, id: d2!.id },
      ],
    });
    for (const id of [d1!.id, d2!.id]) expect((await a.api('GET', `${R}/${DEAL}/${id}`)).status).toBe(404);
    const bin = await a.api('GET', `${R}/${DEAL}?deleted=only&limit=500`);
    expect(bin.body.data.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([d1!.id, d2!.id]));
    expect((await a.api('GET', `${R}/${LINE}/${line.id}`)).status).toBe(404);
    expect((await get(note.id, NOTE)).deal).toBeNull();
    expect((await get(acct, ACCT)).pipeline).toBe(pipeline - 200);
    expect((await history(d1!.id)).at(-1)).toMatchObject({ event: 'deleted', via: 'bulk', user_id: a.id });
    // Restored like any deleted record, with the child its delete took along.
    expect((await a.api('POST', `${R}/${DEAL}/${d1!.id}/restore`)).status).toBe(200);
    expect((await a.api('GET', `${R}/${LINE}/${line.id}`)).status).toBe(200);
  });

  it('honours restrict lookups: all-or-none refuses naming the row; allOrNone: false deletes the others', async () => {
    const [held, free] = await deals(a.api, 2, 'Held');
    await made(a.api, HOLD, { name: 'hold', deal: held!.id });
    const before = await stored();
    const res = await remove(a.api, { ids: [free!.id, held!.id] });
    expectProblem(res, 422, [{ field: `${HOLD}.deal`, code: 'restrict' }]);
    expect(res.body.errors[0].index).toBe(1);
    expect(await stored()).toBe(before);
    const partial = await remove(a.api, { allOrNone: false, ids: [free!.id, held!.id] });
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({
      deleted: 1,
      failed: 1,
      results: [
        { index: 0, ok: true },
        { index: 1, ok: false, errors: [{ code: 'restrict' }] },
      ],
    });
    expect((await a.api('GET', `${R}/${DEAL}/${free!.id}`)).status).toBe(404);
    expect((await a.api('GET', `${R}/${DEAL}/${held!.id}`)).status).toBe(200);
  });

  it('reports missing, duplicate and malformed ids per row; nothing is deleted', async () => {
    const [d1] = await deals(a.api, 1, 'Ids');
    const before = await stored();
    const res = await remove(a.api, { ids: [d1!.id, MISSING, d1!.id, 'nope', null] });
    expectProblem(res, 422);
    expect(
      res.body.errors.map((e: { index: number; field: string; code: string }) => [e.index, e.field, e.code]),
    ).toEqual([
      [1, 'id', 'notFound'],
      [2, 'id', 'duplicate'],
      [3, 'id', 'format'],
      [4, 'id', 'required'],
    ]);
    expect(await stored()).toBe(before);
    for (const [body, field] of [
      [{}, '/ids'],
      [{ ids: [] }, '/ids'],
      [{ ids: [d1!.id], extra: 1 }, '/extra'],
      [{ ids: [d1!.id], allOrNone: 1 }, '/allOrNone'],
    ] as const) {
      const bad = await remove(a.api, body);
      expectProblem(bad, 400);
      expect(bad.body.errors[0].field).toBe(field);
    }
    expect(await stored()).toBe(before);
  });

  it('IDOR: a rep cannot delete records they cannot see or may only edit; nothing is deleted', async () => {
    const [hidden, shared] = await deals(a.api, 2, 'Keep');
    expect((await a.api('POST', `${R}/${DEAL}/${shared!.id}/shares`, { userId: b.id, access: 'edit' })).status).toBe(
      201,
    );
    const before = await stored();
    const res = await remove(b.api, { ids: [hidden!.id, shared!.id] });
    expectProblem(res, 422, [
      { field: 'id', code: 'notFound' },
      { field: 'id', code: 'recordAccess' },
    ]);
    expect(res.body.errors[0].message).toBe(`no ${DEAL} ${hidden!.id}`);
    const partial = await remove(b.api, { allOrNone: false, ids: [hidden!.id, shared!.id] });
    expect(partial.body).toMatchObject({ deleted: 0, failed: 2 });
    expect(await stored()).toBe(before);
    expectProblem(await remove(reader.api, { ids: [hidden!.id] }), 403, [{ field: DEAL, code: 'objectPermission' }]);
    expect(await stored()).toBe(before);
    // The manager above A may.
    expect((await remove(m.api, { ids: [hidden!.id, shared!.id] })).body).toMatchObject({ deleted: 2 });
  });

  it('answers a retried delete with the same Idempotency-Key once', async () => {
    const [d1] = await deals(a.api, 1, 'Retry delete');
    const first = await remove(a.api, { ids: [d1!.id] }, { 'idempotency-key': 'bulk-delete-1' });
    const second = await remove(a.api, { ids: [d1!.id] }, { 'idempotency-key': 'bulk-delete-1' });
    expect(first.body).toMatchObject({ deleted: 1 });
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    // Without the key, the retry finds the record gone.
    expect((await remove(a.api, { ids: [d1!.id] })).body.errors[0]).toMatchObject({ index: 0, code: 'notFound' });
  });
});

describe('the OpenAPI document', () => {
  it('describes what bulk update and delete answer, row results and refusals alike', async () => {
    const doc = (await t.api('GET', '/api/v1/openapi.json')).body;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    ajv.addSchema({ $id: 'https://tessera.test/openapi.json', components: { schemas: doc.components.schemas } });
    const documented = (res: ApiResponse, method: string, path: string) => {
      const answer = doc.paths[path][method].responses[String(res.status)];
      expect(answer, `${method} ${path} ${res.status}`).toBeDefined();
      const schema = answer.$ref
        ? doc.components.responses[answer.$ref.split('/').pop()].content['application/problem+json'].schema
        : answer.content['application/json'].schema;
      const validate = ajv.getSchema(`https://tessera.test/openapi.json${schema.$ref}`)!;
      expect(validate(res.body), JSON.stringify(validate.errors)).toBe(true);
    };
    const bulk = `${R}/${DEAL}/bulk`;
    const [d1, d2] = await deals(a.api, 2, 'Documented');
    documented(
      await update(a.api, {
        allOrNone: false,
        records: [
          { id: d1!.id, amount: 3, version: 1 },
          { id: MISSING, amount: 1 },
        ],
      }),
      'patch',
      bulk,
    );
    documented(await update(a.api, { records: [{ id: d1!.id, amount: 4, version: 1 }] }), 'patch', bulk);
    documented(await update(reader.api, { records: [{ id: d1!.id, amount: 4 }] }), 'patch', bulk);
    documented(await remove(a.api, { allOrNone: false, ids: [d2!.id, MISSING] }), 'post', `${R}/${DEAL}/bulk-delete`);
    documented(await remove(a.api, { ids: [MISSING] }), 'post', `${R}/${DEAL}/bulk-delete`);
    documented(await remove(a.api, { ids: [] }), 'post', `${R}/${DEAL}/bulk-delete`);
    // the request bodies sent above are what the document describes
    const request = (name: string) => ajv.getSchema(`https://tessera.test/openapi.json#/components/schemas/${name}`)!;
    expect(
      request('BuDealBulkUpdateRequest')({
        records: [{ id: d1!.id, version: 2, owner_id: b.id, amount: 1 }],
        allOrNone: false,
      }),
    ).toBe(true);
    expect(request('BuDealBulkUpdateRequest')({ records: [{ amount: 1 }] })).toBe(false);
    expect(request('BulkDeleteRequest')({ ids: [d1!.id], allOrNone: true })).toBe(true);
  });
});
