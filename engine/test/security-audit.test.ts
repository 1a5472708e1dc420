import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bare,
  createUser,
  expectProblem,
  importDone,
  login,
  publish,
  snapshot,
  type TestUser,
} from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * Audit: every record change leaves field history (old → new, who, through which path: api, ui,
 * bulk, import) written with the change itself, and every setup change (metadata, users, tokens)
 * a setup-audit entry. Neither can be changed through the API; refused changes leave no entry.
 */

const ITEM = 'aud_item';
const R = '/api/v1/records';

let t: TestEngine;
let h: TestUser;
let adminId: string;

type Entry = {
  event: string;
  field: string | null;
  oldValue: unknown;
  newValue: unknown;
  userId: string;
  userName: string;
  via: string;
};
const history = async (id: string): Promise<Entry[]> => {
  const res = await h.api('GET', `${R}/${ITEM}/${id}/history`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
};
const audit = async (limit = 50) =>
  (await t.api('GET', `/api/v1/setup-audit?limit=${limit}`)).body.data as {
    seq: number;
    action: string;
    target: string;
    userId: string;
    detail: any;
  }[];

beforeAll(async () => {
  t = await startTestEngine();
  await publish(t, {
    objects: [
      {
        apiName: ITEM,
        label: 'Item',
        pluralLabel: 'Items',
        nameField: 'name',
        sharing: { default: 'private' },
        fields: [
          { apiName: 'name', type: 'text', label: 'Name', required: true },
          { apiName: 'code', type: 'text', label: 'Code', unique: true, maxLength: 40 },
          { apiName: 'amount', type: 'number', label: 'Amount' },
        ],
        validationRules: [
          {
            apiName: 'not_too_big',
            condition: { '>': [{ var: 'amount' }, 1000] },
            message: { en: 'at most 1000' },
            errorField: 'amount',
          },
        ],
      },
    ],
    permissionSets: [
      {
        apiName: 'aud_rw',
        label: 'RW',
        objects: { [ITEM]: { read: true, create: true, edit: true, delete: true } },
        system: ['importData'],
      },
    ],
  });
  h = await createUser(t, { name: 'Historian', permissionSets: ['aud_rw'] });
  adminId = (await t.api('GET', '/api/v1/auth/me')).body.id;
});
afterAll(() => t?.close());

describe('field history', () => {
  it('create, update, delete and restore write entries with the user and the path', async () => {
    const made = await h.api('POST', `${R}/${ITEM}`, { name: 'one', amount: 1 });
    expect(made.status).toBe(201);
    const id = made.body.id;
    expect(await history(id)).toEqual([
      expect.objectContaining({ event: 'created', field: null, userId: h.id, userName: 'Historian', via: 'api' }),
    ]);

    expect((await h.api('PATCH', `${R}/${ITEM}/${id}`, { name: 'uno', amount: 2 })).status).toBe(200);
    expect((await h.api('DELETE', `${R}/${ITEM}/${id}`)).status).toBe(204);
    expect((await h.api('POST', `${R}/${ITEM}/${id}/restore`)).status).toBe(200);
    const entries = await history(id);
    const row = (e: Entry) => [e.event, e.field, e.oldValue, e.newValue, e.userId, e.via];
    expect(entries).toHaveLength(5);
    expect(row(entries[0]!)).toEqual(['restored', null, null, null, h.id, 'api']);
    expect(row(entries[1]!)).toEqual(['deleted', null, null, null, h.id, 'api']);
    expect(entries.slice(2, 4).map(row).sort()).toEqual([
      ['updated', 'amount', 1, 2, h.id, 'api'],
      ['updated', 'name', 'one', 'uno', h.id, 'api'],
    ]);
    expect(row(entries[4]!)).toEqual(['created', null, null, null, h.id, 'api']);
    expect(entries).toHaveLength(5);
  });

  it('a purge leaves its entry, though the record is gone', async () => {
    const id = (await h.api('POST', `${R}/${ITEM}`, { name: 'to purge' })).body.id;
    expect((await h.api('DELETE', `${R}/${ITEM}/${id}`)).status).toBe(204);
    expect((await h.api('POST', `${R}/${ITEM}/${id}/purge`)).status).toBe(204);
    expectProblem(await h.api('GET', `${R}/${ITEM}/${id}/history`), 404);
    const rows = await t.sql<{ event: string; user_id: string; via: string }>(
      'select event, user_id, via from ??._field_history where record_id = ? order by seq',
      [t.schema, id],
    );
    expect(rows.map((r) => r.event)).toEqual(['created', 'deleted', 'purged']);
    expect(rows.every((r) => r.user_id === h.id && r.via === 'api')).toBe(true);
  });

  it("the UI's cookie session writes via ui", async () => {
    const cookie = (await login(t, h.email)).headers.get('set-cookie')!.split(';')[0]!;
    const made = await bare(t)(
      'POST',
      `${R}/${ITEM}`,
      { name: 'from the ui' },
      { cookie, 'x-requested-with': 'XMLHttpRequest' },
    );
    expect(made.status).toBe(201);
    expect((await history(made.body.id))[0]).toMatchObject({ event: 'created', via: 'ui', userId: h.id });
  });

  it('bulk writes via bulk, import via import, for creates and updates', async () => {
    const bulk = await h.api('POST', `${R}/${ITEM}/bulk`, { records: [{ name: 'bulk one', code: 'B-1', amount: 1 }] });
    expect(bulk.status, JSON.stringify(bulk.body)).toBe(200);
    const id = bulk.body.results[0].id;
    expect(
      (await h.api('POST', `${R}/${ITEM}/bulk`, { upsertOn: 'code', records: [{ code: 'B-1', amount: 5 }] })).body,
    ).toMatchObject({ updated: 1 });
    const imported = await h.api(
      'POST',
      `${R}/${ITEM}/import?upsertOn=code`,
      'code,name,amount\nB-1,bulk one,7\nI-1,imported,3\n',
      { 'content-type': 'text/csv' },
    );
    expect(imported.status, JSON.stringify(imported.body)).toBe(202);
    expect(await importDone(h.api, imported.headers.get('location')!)).toMatchObject({
      status: 'completed',
      rowsCreated: 1,
      rowsUpdated: 1,
    });
    expect((await history(id)).map((e) => [e.event, e.field, e.oldValue, e.newValue, e.via])).toEqual([
      ['updated', 'amount', 5, 7, 'import'],
      ['updated', 'amount', 1, 5, 'bulk'],
      ['created', null, null, null, 'bulk'],
    ]);
    const created = await h.api('GET', `${R}/${ITEM}?filter=${encodeURIComponent(JSON.stringify({ code: 'I-1' }))}`);
    expect(await history(created.body.data[0].id)).toEqual([
      expect.objectContaining({ event: 'created', via: 'import', userId: h.id }),
    ]);
  });

  it('a refused change writes no entry (same transaction)', async () => {
    const id = (await h.api('POST', `${R}/${ITEM}`, { name: 'steady', amount: 1 })).body.id;
    const before = await snapshot(t, '_field_history');
    expectProblem(await h.api('PATCH', `${R}/${ITEM}/${id}`, { name: 'changed', amount: 5000 }), 422, [
      { field: 'amount', code: 'validationRule' },
    ]);
    expectProblem(await h.api('PATCH', `${R}/${ITEM}/${id}`, { name: 'changed' }, { 'if-match': '"7"' }), 412, [
      { field: 'If-Match', code: 'stale' },
    ]);
    const bulk = await h.api('POST', `${R}/${ITEM}/bulk`, {
      records: [{ name: 'fine' }, { name: 'bad', amount: 5000 }],
    });
    expect(bulk.status).toBe(422);
    expect(await snapshot(t, '_field_history')).toBe(before);
  });

  it('offers no way to write, change or delete history', async () => {
    const id = (await h.api('POST', `${R}/${ITEM}`, { name: 'immutable' })).body.id;
    const before = await snapshot(t, '_field_history');
    for (const api of [h.api, t.api]) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const res = await api(
          method,
          `${R}/${ITEM}/${id}/history`,
          method === 'DELETE' ? undefined : { event: 'created', userId: adminId },
        );
        expect([404, 405], `${method}: ${JSON.stringify(res.body)}`).toContain(res.status);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const res = await api(method, '/api/v1/setup-audit', method === 'DELETE' ? undefined : { action: 'forged' });
        expect([404, 405], `${method} setup-audit: ${JSON.stringify(res.body)}`).toContain(res.status);
      }
    }
    expect(await snapshot(t, '_field_history')).toBe(before);
    expect((await audit()).some((e) => e.action === 'forged')).toBe(false);
  });
});

describe('setup audit', () => {
  it('records metadata saves and publishes, user creation and changes, token creation and revocation', async () => {
    const since = (await audit(1))[0]!.seq;
    await publish(t, { groups: [{ apiName: 'aud_group', label: 'Group' }] });
    const created = await t.api('POST', '/api/v1/users', {
      email: 'audited@example.test',
      password: 'first password!',
      name: 'Audited',
      permissionSets: ['aud_rw', 'api_user'],
    });
    expect(created.status).toBe(201);
    expect(
      (
        await t.api('PATCH', `/api/v1/users/${created.body.id}`, {
          name: 'Audited person',
          password: 'second password!',
        })
      ).status,
    ).toBe(200);
    const token = await t.api('POST', '/api/v1/auth/tokens', { name: 'audited token', days: 2 });
    expect((await t.api('DELETE', `/api/v1/auth/tokens/${token.body.id}`)).status).toBe(204);

    const entries = (await audit()).filter((e) => e.seq > since).reverse();
    expect(entries.map((e) => [e.action, e.target])).toEqual([
      ['meta.post', 'groups'],
      ['meta.post', 'publish'],
      ['user.create', created.body.id],
      ['user.update', created.body.id],
      ['token.create', token.body.id],
      ['token.revoke', token.body.id],
    ]);
    expect(entries.every((e) => e.userId === adminId)).toBe(true);
    expect(entries[0]!.detail).toMatchObject({ apiName: 'aud_group', status: 201 });
    expect(entries[2]!.detail).toMatchObject({ email: 'audited@example.test', permissionSets: ['aud_rw', 'api_user'] });
    expect(entries[3]!.detail).toEqual({ name: 'Audited person', password: 'changed' });
    // Neither passwords nor tokens are kept in the trail.
    const text = JSON.stringify(entries);
    for (const secret of ['first password!', 'second password!', token.body.token]) expect(text).not.toContain(secret);
  });

  it('records currency settings: the corporate currency and each exchange rate', async () => {
    expect(
      (await t.api('POST', '/api/v1/currencies/rates', { currency: 'EUR', startDate: '2026-01-01', rate: 0.9 })).status,
    ).toBe(201);
    expect((await t.api('PUT', '/api/v1/currencies/corporate', { currency: 'USD' })).status).toBe(200);
    const [corporate, rate] = await audit(2);
    expect(corporate).toMatchObject({ action: 'currency.corporate', target: 'USD' });
    expect(rate).toMatchObject({ action: 'currency.rate', target: 'EUR', detail: { currency: 'EUR', rate: 0.9 } });
  });

  it('refused setup changes leave no entry', async () => {
    const before = await snapshot(t, '_setup_audit');
    expectProblem(await h.api('POST', '/api/v1/meta/groups', { apiName: 'aud_nope', label: 'No' }), 403, [
      { field: 'manageUsers', code: 'systemPermission' },
    ]);
    expectProblem(await h.api('POST', '/api/v1/meta/publish', {}), 403, [
      { field: 'manageMetadata', code: 'systemPermission' },
    ]);
    expectProblem(
      await h.api('POST', '/api/v1/users', { email: 'x@example.test', password: 'long enough pw', name: 'X' }),
      403,
    );
    expectProblem(await t.api('POST', '/api/v1/meta/groups', { apiName: 'Bad Name', label: 'No' }), 422);
    expect(await snapshot(t, '_setup_audit')).toBe(before);
  });
});
