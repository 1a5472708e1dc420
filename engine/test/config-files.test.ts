import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectProblem, publish, withToken, type Api } from './support/security.js';
import { request, startTestEngine, type ApiResponse, type TestEngine } from './support/test-engine.js';

/**
 * The configuration as a zip over HTTP (GET /api/v1/meta/export, POST /api/v1/meta/import): the
 * round trip into another tenant, secrets, refusals that change nothing, and who may do it.
 */

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

const HOOK = 'https://hooks.example.com/tessera';

async function exportZip(token: string, query = ''): Promise<Uint8Array> {
  const res = await fetch(`${t.url}/api/v1/meta/export${query}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/zip');
  expect(res.headers.get('content-disposition')).toContain('tessera-config.zip');
  return new Uint8Array(await res.arrayBuffer());
}

async function importZip(token: string, zip: Uint8Array, query = ''): Promise<ApiResponse> {
  const res = await fetch(`${t.url}/api/v1/meta/import${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/zip' },
    body: Buffer.from(zip),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const texts = (zip: Uint8Array) =>
  Object.fromEntries(Object.entries(unzipSync(zip)).map(([p, b]) => [p, new TextDecoder().decode(b)]));
const rezip = (files: Record<string, string>) =>
  zipSync(Object.fromEntries(Object.entries(files).map(([p, text]) => [p, strToU8(text)])));

/** The draft as the metadata API lists it, to show a refused import changed nothing. */
const draftState = async (api: Api = t.api) =>
  JSON.stringify(
    await Promise.all(
      ['objects', 'layouts', 'workflows', 'roles', 'permission-sets'].map(
        async (k) => (await api('GET', `/api/v1/meta/${k}`)).body,
      ),
    ),
  );

const columns = async (schema: string) =>
  t.sql(
    `select table_name, column_name, data_type from information_schema.columns
     where table_schema = ? and table_name not like '\\_%' order by 1, 2`,
    [schema],
  );

describe('the configuration as a zip', () => {
  it('exports the draft, imports it into another tenant, which publishes the same schema; secrets stay home', async () => {
    const vehicle = await t.api('POST', '/api/v1/meta/objects', {
      apiName: 'vehicle',
      label: { en: 'Vehicle', 'zh-CN': '车辆' },
      pluralLabel: 'Vehicles',
      nameField: 'name',
      fields: [
        { apiName: 'name', type: 'text', label: 'Name', required: true },
        { apiName: 'mileage', type: 'number', label: 'Mileage', precision: 10, scale: 0 },
      ],
    });
    expect(vehicle.status, JSON.stringify(vehicle.body)).toBe(201);
    const workflow = await t.api('POST', '/api/v1/meta/workflows', {
      apiName: 'vehicle_feed',
      label: 'Vehicles from the fleet system',
      object: 'vehicle',
      trigger: { inbound: true, user: (await t.api('GET', '/api/v1/auth/me')).body.id },
      actions: [{ type: 'webhook', url: HOOK }],
    });
    expect(workflow.status, JSON.stringify(workflow.body)).toBe(201);
    const secrets = [workflow.body.trigger.secret, workflow.body.actions[0].secret] as string[];
    expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);

    const zip = await exportZip(t.token);
    expect(await exportZip(t.token)).toEqual(zip);
    const files = texts(zip);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'tessera-config.json',
        'objects/vehicle.json',
        'workflows/vehicle_feed.json',
        'layouts/opportunity_layout.json',
        'permission-sets/sales_user.json',
      ]),
    );
    expect(files['objects/vehicle.json']).toMatch(/^\{\n {2}"apiName": "vehicle",\n {2}"fields": \[\n/);
    for (const secret of secrets) expect(zip.length && Object.values(files).join('')).not.toContain(secret);
    expect(files['workflows/vehicle_feed.json']).not.toContain('"secret"');

    // The same files into this tenant: nothing to do, and the secrets are kept.
    const same = await importZip(t.token, zip);
    expect(same.status, JSON.stringify(same.body)).toBe(200);
    expect(same.body).toMatchObject({ dryRun: true, release: null, diff: [], plan: [] });
    const kept = (await t.api('GET', '/api/v1/meta/workflows/vehicle_feed')).body;
    expect([kept.trigger.secret, kept.actions[0].secret]).toEqual(secrets);

    // Another tenant: the plan first, then published; its own secrets, the same schema.
    const created = await t.api('POST', '/api/v1/tenants', {
      name: 'beta',
      adminEmail: 'admin@beta.test',
      adminPassword: 'beta-password-1234',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const beta = await request(t.url, 'POST', '/api/v1/auth/login', {
      tenant: 'beta',
      email: 'admin@beta.test',
      password: 'beta-password-1234',
    });
    const betaToken = beta.body.token as string;
    const planned = await importZip(betaToken, zip);
    expect(planned.status, JSON.stringify(planned.body)).toBe(200);
    expect(planned.body.plan.map((p: { description: string }) => p.description)).toContain('create table vehicle');
    const published = await importZip(betaToken, zip, '?publish=true');
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body.release).toBe(2);
    expect(texts(await exportZip(betaToken, '?current=true'))).toEqual(files);
    expect(await columns(`${t.schema}__beta`)).toEqual(await columns(t.schema));
    const betaWorkflow = (await withToken(t, betaToken)('GET', '/api/v1/meta/workflows/vehicle_feed')).body;
    expect(betaWorkflow.trigger.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect([betaWorkflow.trigger.secret, betaWorkflow.actions[0].secret]).not.toContain(secrets[0]);
    expect(betaWorkflow.actions[0].secret).not.toBe(secrets[1]);
  });

  it('refuses a bad file naming the file and the pointer, and changes nothing', async () => {
    const files = texts(await exportZip(t.token));
    const before = await draftState();
    const vehicle = JSON.parse(files['objects/vehicle.json']!);
    vehicle.fields[1].type = 'no_such_type';
    const bad = await importZip(
      t.token,
      rezip({
        ...files,
        'objects/vehicle.json': JSON.stringify(vehicle),
        'roles/ceo.json': '{ "apiName": "ceo", ',
        'layouts/new_one.json': JSON.stringify({ apiName: 'other', object: 'vehicle', label: 'x', sections: [] }),
      }),
    );
    expectProblem(bad, 422);
    const fields = bad.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['roles/ceo.json#', 'layouts/new_one.json#/apiName']));
    expect(bad.body.errors.find((e: { field: string }) => e.field === 'roles/ceo.json#').code).toBe('notJson');

    const badType = await importZip(t.token, rezip({ ...files, 'objects/vehicle.json': JSON.stringify(vehicle) }));
    expectProblem(badType, 422);
    expect(badType.body.errors[0].field).toMatch(/^objects\/vehicle\.json#\/fields\/1/);

    // Valid on their own, but a layout names a field the files remove.
    const noMileage = { ...JSON.parse(files['objects/vehicle.json']!) };
    noMileage.fields = noMileage.fields.filter((f: { apiName: string }) => f.apiName !== 'mileage');
    const layout = JSON.parse(files['layouts/opportunity_layout.json']!);
    layout.sections[0].fields.push('no_such_field');
    const dangling = await importZip(
      t.token,
      rezip({ ...files, 'layouts/opportunity_layout.json': JSON.stringify(layout) }),
    );
    expectProblem(dangling, 422);
    expect(dangling.body.errors[0].field).toMatch(/^layouts\/opportunity_layout\.json#\/sections\/0\/fields\/\d+$/);
    expect(await draftState()).toBe(before);
  });

  it('publishes a lossy import only when confirmed, and otherwise leaves the draft as it was', async () => {
    await t.api('POST', '/api/v1/records/vehicle', { name: 'Van', mileage: 1200 });
    const files = texts(await exportZip(t.token));
    const before = await draftState();
    const vehicle = JSON.parse(files['objects/vehicle.json']!);
    vehicle.fields = vehicle.fields.filter((f: { apiName: string }) => f.apiName !== 'mileage');
    const zip = rezip({ ...files, 'objects/vehicle.json': JSON.stringify(vehicle) });
    const refused = await importZip(t.token, zip, '?publish=true');
    expectProblem(refused, 409, [{ field: 'vehicle.mileage', code: 'lossy' }]);
    expect(await draftState()).toBe(before);
    const published = await importZip(t.token, zip, '?publish=true&confirmLossy=true');
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body.plan).toEqual([expect.objectContaining({ op: 'archiveColumn', lossy: true, rows: 1 })]);
  });

  it('refuses hostile zips before reading a file: paths out, absolute paths, huge entries, not a zip', async () => {
    const before = await draftState();
    const marker = { 'tessera-config.json': strToU8('{"format": 1}') };
    for (const [name, field] of [
      ['../objects/evil.json', '../objects/evil.json'],
      ['/etc/objects.json', '/etc/objects.json'],
      ['objects/../../x.json', 'objects/../../x.json'],
      ['C:\\objects\\a.json', 'C:\\objects\\a.json'],
    ] as const) {
      const res = await importZip(t.token, zipSync({ ...marker, [name]: strToU8('{}') }));
      expectProblem(res, 400, [{ field, code: 'path' }]);
    }
    // 3 MB of spaces unpacked (a few kB packed): refused by its declared size.
    const huge = await importZip(
      t.token,
      zipSync({ ...marker, 'objects/big.json': new Uint8Array(3 * 1024 * 1024).fill(32) }),
    );
    expectProblem(huge, 413, [{ field: 'objects/big.json', code: 'fileSize' }]);
    expectProblem(await importZip(t.token, strToU8('not a zip')), 400, [{ field: 'body', code: 'type' }]);
    const json = await t.api('POST', '/api/v1/meta/import', { objects: [] });
    expectProblem(json, 415, [{ field: 'content-type', code: 'type' }]);
    expect(await draftState()).toBe(before);
  });

  it('is for metadata managers, and an import is held to the checks of each save', async () => {
    const rep = await createUser(t, { name: 'Rep', permissionSets: ['sales_user'] });
    const repExport = await rep.api('GET', '/api/v1/meta/export');
    expectProblem(repExport, 403, [{ field: 'export', code: 'systemPermission' }]);
    await publish(t, {
      permissionSets: [
        { apiName: 'cfg_meta', label: 'Metadata', system: ['manageMetadata'] },
        { apiName: 'cfg_users', label: 'Users', system: ['manageMetadata', 'manageUsers'] },
      ],
    });
    const zip = await exportZip(t.token);
    expectProblem(await importZip(rep.token, zip), 403, [{ field: 'manageMetadata', code: 'systemPermission' }]);

    const builder = await createUser(t, { name: 'Builder', permissionSets: ['cfg_meta'] });
    expect((await importZip(builder.token, zip)).status).toBe(200);
    const files = texts(zip);
    const before = await draftState();
    const role = { ...JSON.parse(files['roles/ceo.json']!), label: 'Chief' };
    expectProblem(await importZip(builder.token, rezip({ ...files, 'roles/ceo.json': JSON.stringify(role) })), 403, [
      { field: 'manageUsers', code: 'systemPermission' },
    ]);
    const support = JSON.parse(files['objects/support_case.json']!);
    const shared = await importZip(
      builder.token,
      rezip({ ...files, 'objects/support_case.json': JSON.stringify({ ...support, sharing: { default: 'read' } }) }),
    );
    expectProblem(shared, 403, [{ field: 'objects/support_case.json#/sharing', code: 'systemPermission' }]);

    // A user manager who is no admin may not grant through a file what they do not hold.
    const manager = await createUser(t, { name: 'Manager', permissionSets: ['cfg_users'] });
    const grant = {
      ...JSON.parse(files['permission-sets/sales_user.json']!),
      system: ['manageMetadata', 'importData'],
    };
    const escalated = await importZip(
      manager.token,
      rezip({ ...files, 'permission-sets/sales_user.json': JSON.stringify(grant) }),
    );
    expectProblem(escalated, 403);
    expect(escalated.body.errors).toContainEqual(
      expect.objectContaining({ field: 'permission-sets/sales_user.json#/system', code: 'grantBeyondOwn' }),
    );
    const workflow = JSON.parse(files['workflows/vehicle_feed.json']!);
    const runAs = await importZip(
      manager.token,
      rezip({ ...files, 'workflows/vehicle_feed.json': JSON.stringify({ ...workflow, label: 'Changed' }) }),
    );
    expectProblem(runAs, 403, [{ field: 'workflows/vehicle_feed.json#/trigger', code: 'automationGrant' }]);
    expect(await draftState()).toBe(before);
  });
});
