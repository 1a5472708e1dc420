import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectProblem, publish, type TestUser } from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/** Issue 13 point 8: undo and redo of unpublished edits, kept by the engine (the draft's journal). */

let t: TestEngine;
let metaOnly: TestUser;
beforeAll(async () => {
  t = await startTestEngine();
  await publish(t, {
    permissionSets: [{ apiName: 'undo_meta', label: 'Metadata only', system: ['manageMetadata'] }],
  });
  metaOnly = await createUser(t, { name: 'Meta only', permissionSets: ['undo_meta'] });
});
afterAll(() => t?.close());

/** The draft's items as stored (updated_at aside: a replay is a new write). */
const draftRows = async () =>
  (
    await t.sql<{ j: string }>(
      `select coalesce(json_agg(x order by x::text)::text, '[]') as j
         from (select kind, id, api_name, definition from ??._meta_draft) x`,
      [t.schema],
    )
  )[0]!.j;
const history = async () => (await t.api('GET', '/api/v1/meta/draft/history')).body;
const undo = () => t.api('POST', '/api/v1/meta/draft/undo');
const redo = () => t.api('POST', '/api/v1/meta/draft/redo');

const vehicle = {
  apiName: 'vehicle',
  label: { en: 'Vehicle' },
  pluralLabel: { en: 'Vehicles' },
  nameField: 'name',
  fields: [{ apiName: 'name', type: 'text', label: { en: 'Name' } }],
};

describe('undo and redo of draft edits', () => {
  it('starts with nothing to undo after a publish, and says so with 409 code undo', async () => {
    expect(await history()).toEqual({ undo: null, redo: null });
    expectProblem(await undo(), 409, [{ field: 'draft', code: 'undo' }]);
    expectProblem(await redo(), 409, [{ field: 'draft', code: 'undo' }]);
  });

  it('takes back a create and puts it forward again, the draft exactly as it was each time', async () => {
    const empty = await draftRows();
    expect((await t.api('POST', '/api/v1/meta/objects', vehicle)).status).toBe(201);
    const made = await draftRows();
    expect((await history()).undo.items).toEqual([{ kind: 'object', apiName: 'vehicle', change: 'created' }]);

    const undone = await undo();
    expect(undone.status, JSON.stringify(undone.body)).toBe(200);
    expect(undone.body.step.items).toEqual([{ kind: 'object', apiName: 'vehicle', change: 'created' }]);
    expect(undone.body.undo).toBeNull();
    expect(undone.body.redo.items[0].apiName).toBe('vehicle');
    expect(await draftRows()).toBe(empty);
    expect((await t.api('GET', '/api/v1/meta/objects/vehicle')).status).toBe(404);

    expect((await redo()).status).toBe(200);
    expect(await draftRows()).toBe(made);
  });

  it('undoes a field rename with the layout it rewrote, as one step', async () => {
    const before = await draftRows();
    const account = (await t.api('GET', '/api/v1/meta/objects/account')).body;
    const renamed = {
      ...account,
      fields: account.fields.map((f: { apiName: string }) =>
        f.apiName === 'industry' ? { ...f, apiName: 'sector' } : f,
      ),
    };
    expect((await t.api('PUT', '/api/v1/meta/objects/account', renamed)).status).toBe(200);
    const items = (await history()).undo.items;
    expect(items).toContainEqual({ kind: 'object', apiName: 'account', change: 'changed' });
    expect(items.some((i: { kind: string }) => i.kind === 'layout')).toBe(true);

    expect((await undo()).status).toBe(200);
    expect(await draftRows()).toBe(before);
    const layouts = (await t.api('GET', '/api/v1/meta/layouts?object=account')).body.data;
    expect(JSON.stringify(layouts)).toContain('"industry"');
    expect(JSON.stringify(layouts)).not.toContain('"sector"');
  });

  it('brings back a deleted object with its layouts and list views; a new edit drops the redo', async () => {
    const before = await draftRows();
    expect((await t.api('DELETE', '/api/v1/meta/objects/vehicle')).status).toBe(204);
    expect((await undo()).status).toBe(200);
    expect(await draftRows()).toBe(before);
    expect((await history()).redo.items).toEqual([{ kind: 'object', apiName: 'vehicle', change: 'deleted' }]);

    const changed = { ...vehicle, description: 'Cars and vans' };
    expect((await t.api('PUT', '/api/v1/meta/objects/vehicle', changed)).status).toBe(200);
    expect((await history()).redo).toBeNull();
    expectProblem(await redo(), 409, [{ field: 'draft', code: 'undo' }]);
  });

  it('undoes a rejected save not at all: only edits that happened are steps', async () => {
    const step = (await history()).undo;
    const bad = await t.api('PUT', '/api/v1/meta/objects/vehicle', { ...vehicle, nameField: 'missing' });
    expect(bad.status).toBe(422);
    expect((await history()).undo).toEqual(step);
  });

  it('refuses to replay a security edit for a user who could not make it, and changes nothing', async () => {
    const made = await t.api('POST', '/api/v1/meta/roles', { apiName: 'undo_role', label: { en: 'Undo role' } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const before = await draftRows();
    const refused = await metaOnly.api('POST', '/api/v1/meta/draft/undo');
    expectProblem(refused, 403, [{ field: 'manageUsers', code: 'systemPermission' }]);
    expect(await draftRows()).toBe(before);
    expect((await undo()).status).toBe(200);
    expect((await t.api('GET', '/api/v1/meta/roles/undo_role')).status).toBe(404);
  });

  it('publishing and discarding start the history afresh', async () => {
    expect((await history()).undo).not.toBeNull();
    const published = await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(await history()).toEqual({ undo: null, redo: null });

    expect((await t.api('PUT', '/api/v1/meta/objects/vehicle', { ...vehicle, description: 'later' })).status).toBe(200);
    expect((await history()).undo).not.toBeNull();
    expect((await t.api('POST', '/api/v1/meta/draft/discard')).status).toBe(200);
    expect(await history()).toEqual({ undo: null, redo: null });
  });
});
