import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectProblem, publish, type TestUser } from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * POST /api/v1/meta/objects/{apiName}/plan: the schema planner's verdict on a proposed object
 * definition, before it is saved (the studio's field drawer). Checked against the answer of a
 * dry-run publish of the same definition saved, and for leaving the draft exactly as it was.
 */

let t: TestEngine;
let rep: TestUser;

interface Field {
  id: string;
  apiName: string;
  type: string;
  [setting: string]: unknown;
}
interface Gadget {
  apiName: string;
  fields: Field[];
  [key: string]: unknown;
}

const PLAN = '/api/v1/meta/objects/gadget/plan';
const OBJECT = '/api/v1/meta/objects/gadget';

beforeAll(async () => {
  t = await startTestEngine();
  rep = await createUser(t, { name: 'Rep' });
  const created = await t.api('POST', '/api/v1/meta/objects', {
    apiName: 'gadget',
    label: 'Gadget',
    pluralLabel: 'Gadgets',
    nameField: 'name',
    // Sent back with every plan: a plan compares it with the draft's, as a save does.
    sharing: { default: 'private' },
    fields: [
      { apiName: 'name', type: 'text', label: 'Name', required: true },
      { apiName: 'code', type: 'text', label: 'Code' },
      { apiName: 'serial', type: 'text', label: 'Serial' },
      { apiName: 'size', type: 'integer', label: 'Size' },
    ],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
  // Two codes that are no number, two serials alike.
  for (const record of [
    { name: 'A', code: '12', serial: 'S-1', size: 5 },
    { name: 'B', code: 'twelve', serial: 'S-1' },
    { name: 'C', code: 'n/a', serial: 'S-2' },
    { name: 'D' },
  ])
    expect((await t.api('POST', '/api/v1/records/gadget', record)).status).toBe(201);
});
afterAll(() => t?.close());

async function read(): Promise<{ body: Gadget; etag: string }> {
  const res = await t.api('GET', OBJECT);
  return { body: res.body as Gadget, etag: res.headers.get('etag')! };
}

/** The gadget with one field changed. */
const changed = (gadget: Gadget, apiName: string, change: Record<string, unknown>): Gadget => ({
  ...gadget,
  fields: gadget.fields.map((f) => (f.apiName === apiName ? { ...f, ...change } : f)),
});

/** Everything of the draft a plan must leave alone, byte for byte: rows, tags, journal, schema. */
async function draftState(): Promise<string> {
  const rows = await t.sql(
    `select kind, id, api_name, definition::text as definition, md5(definition::text) as tag, updated_at::text as at
       from ??._meta_draft order by kind, id`,
    [t.schema],
  );
  const journal = await t.sql('select * from ??._meta_draft_journal order by seq', [t.schema]);
  const columns = await t.sql(
    `select column_name, data_type from information_schema.columns
      where table_schema = ? and table_name = 'gadget' order by column_name`,
    [t.schema],
  );
  const constraints = await t.sql(
    `select conname from pg_constraint c join pg_class r on r.oid = c.conrelid
       join pg_namespace n on n.oid = r.relnamespace where n.nspname = ? and r.relname = 'gadget' order by 1`,
    [t.schema],
  );
  const history = (await t.api('GET', '/api/v1/meta/draft/history')).body;
  return JSON.stringify({ rows, journal, columns, constraints, history });
}

/** Plans `proposal`, checking that nothing changed; answers the plan. */
async function plan(proposal: Gadget, headers: Record<string, string> = {}) {
  const before = await draftState();
  const { etag } = await read();
  const res = await t.api('POST', PLAN, proposal, headers);
  expect(await draftState()).toBe(before);
  expect((await read()).etag).toBe(etag);
  return res;
}

const essentials = (steps: Record<string, unknown>[]) =>
  steps.map(({ op, table, column, lossy, rows, blocked }) => ({ op, table, column, lossy, rows, blocked }));

/** The gadget's steps of a dry-run publish with `proposal` saved, then the save undone. */
async function dryRunOfSaved(proposal: Gadget) {
  const { etag } = await read();
  const saved = await t.api('PUT', OBJECT, proposal, { 'if-match': etag });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  try {
    const dry = await t.api('POST', '/api/v1/meta/publish?dryRun=true');
    return { status: dry.status, body: dry.body };
  } finally {
    expect((await t.api('POST', '/api/v1/meta/draft/undo')).status).toBe(200);
  }
}

describe('successful: the verdict before saving', () => {
  it('answers lossy with the rows whose value would be lost, as the dry run of the saved draft does', async () => {
    const { body } = await read();
    const proposal = changed(body, 'code', { type: 'number' });
    const res = await plan(proposal);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ object: 'gadget', verdict: 'lossy' });
    const step = res.body.plan.find((s: { column?: string }) => s.column === 'code');
    expect(step).toMatchObject({ op: 'alterColumnType', table: 'gadget', lossy: true, rows: 2 });
    expect(step.description).toContain('gadget.code');

    const dry = await dryRunOfSaved(proposal);
    expect(dry.status).toBe(200);
    const gadgetSteps = dry.body.plan.filter((s: { table: string }) => s.table === 'gadget');
    expect(essentials(res.body.plan)).toEqual(essentials(gadgetSteps));
  });

  it('answers safe for a widening type change and a renamed field, which keeps its column', async () => {
    const { body } = await read();
    const proposal = changed(changed(body, 'size', { type: 'number' }), 'serial', { apiName: 'serial_no' });
    const res = await plan(proposal);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.verdict).toBe('safe');
    expect(essentials(res.body.plan)).toEqual(
      expect.arrayContaining([
        { op: 'renameColumn', table: 'gadget', column: 'serial_no', lossy: false },
        { op: 'alterColumnType', table: 'gadget', column: 'size', lossy: false },
      ]),
    );
    expect(res.body.plan.every((s: { lossy: boolean; blocked?: string }) => !s.lossy && !s.blocked)).toBe(true);
  });

  it('answers safe with no steps when nothing the schema holds changes', async () => {
    const { body } = await read();
    const res = await plan(changed(body, 'code', { label: 'Product code' }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ object: 'gadget', verdict: 'safe', plan: [] });
  });

  it('answers blocked, saying why, where a publish would refuse: duplicates under unique, no conversion', async () => {
    const { body } = await read();
    const unique = await plan(changed(body, 'serial', { unique: true }));
    expect(unique.status, JSON.stringify(unique.body)).toBe(200);
    expect(unique.body.verdict).toBe('blocked');
    const blocked = unique.body.plan.find((s: { blocked?: string }) => s.blocked);
    expect(blocked).toMatchObject({ op: 'addConstraint', table: 'gadget', column: 'serial' });
    expect(blocked.blocked).toMatch(/1 value\(s\) of gadget\.serial occur more than once/);
    // The same proposal saved: the dry-run publish refuses it with the same step.
    const dry = await dryRunOfSaved(changed(body, 'serial', { unique: true }));
    expect(dry.status).toBe(409);
    expect(dry.body.errors).toEqual([{ field: 'gadget.serial', code: 'blocked', message: blocked.blocked }]);

    const noConversion = await plan(
      changed(body, 'code', { type: 'multipicklist', values: [{ value: 'a' }, { value: 'b' }] }),
    );
    expect(noConversion.status, JSON.stringify(noConversion.body)).toBe(200);
    expect(noConversion.body.verdict).toBe('blocked');
    expect(noConversion.body.plan).toEqual([
      expect.objectContaining({
        op: 'alterColumnType',
        table: 'gadget',
        column: 'code',
        lossy: false,
        blocked: expect.stringContaining('cannot change from character varying(255) to text[]'),
      }),
    ]);
  });
});

describe('failing: refused as a save is, and nothing written', () => {
  it('refuses a user without manageMetadata with 403 before reading the body', async () => {
    const { body } = await read();
    for (const proposal of [changed(body, 'code', { type: 'number' }), { apiName: 'Not Valid' }]) {
      const before = await draftState();
      const res = await rep.api('POST', PLAN, proposal);
      expectProblem(res, 403, [{ field: 'manageMetadata', code: 'systemPermission' }]);
      expect(await draftState()).toBe(before);
    }
  });

  it("lets a metadata manager plan without manageUsers as long as the object's sharing stays, and audits nothing", async () => {
    await publish(t, { permissionSets: [{ apiName: 'plan_meta', label: 'Metadata', system: ['manageMetadata'] }] });
    const manager = await createUser(t, { name: 'Meta', permissionSets: ['plan_meta'] });
    const auditBefore = (await t.api('GET', '/api/v1/setup-audit?limit=5')).body.data;
    const { body } = await read();
    const res = await manager.api('POST', PLAN, changed(body, 'code', { type: 'number' }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.verdict).toBe('lossy');
    expect((await t.api('GET', '/api/v1/setup-audit?limit=5')).body.data).toEqual(auditBefore);
    const before = await draftState();
    const sharing = await manager.api('POST', PLAN, { ...body, sharing: { default: 'read' } });
    expectProblem(sharing, 403, [{ field: 'sharing', code: 'systemPermission' }]);
    expect(await draftState()).toBe(before);
  });

  it('answers the 422 a save answers for an invalid definition', async () => {
    const { body, etag } = await read();
    const bad = changed(body, 'code', { apiName: 'Code!' });
    const res = await plan(bad);
    const put = await t.api('PUT', OBJECT, bad, { 'if-match': etag });
    expectProblem(put, 422);
    expectProblem(res, 422, [{ field: '/fields/1/apiName', code: 'pattern' }]);
    expect(res.body.errors).toEqual(put.body.errors);
    expect(res.body.detail).toBe(put.body.detail);
  });

  it('answers 404 for an object not in the draft, 412 for a stale If-Match, 400 for a bad one', async () => {
    const { body } = await read();
    const missing = await t.api('POST', '/api/v1/meta/objects/nothing_here/plan', { ...body, apiName: 'nothing_here' });
    expectProblem(missing, 404);
    expectProblem(await plan(body, { 'if-match': '"0123"' }), 412, [{ field: 'If-Match', code: 'stale' }]);
    expectProblem(await plan(body, { 'if-match': 'bare' }), 400, [{ field: 'If-Match', code: 'format' }]);
  });
});
