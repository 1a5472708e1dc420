import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN } from './support/admin.js';
import { corpus, ON_POSTGRES, startTestEngine, type TestEngine } from './support/test-engine.js';

/** Tenants: a schema each, created by API or CLI; a token never reaches another tenant's data. */

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

const login = async (body: Record<string, unknown>) => t.api('POST', '/api/v1/auth/login', body, { authorization: '' });
const as = (token: string) => (method: string, url: string, body?: unknown) =>
  t.api(method, url, body, { authorization: `Bearer ${token}` });
const schemas = async () =>
  (
    await t.sql<{ nspname: string }>('select nspname from pg_namespace where nspname like ? order by 1', [
      `${t.schema}%`,
    ])
  ).map((r) => r.nspname);

describe('tenants', () => {
  let acme: string;

  it('creates a tenant with its own schema, first admin and the core pack, and logs into it', async () => {
    const created = await t.api('POST', '/api/v1/tenants', { name: 'acme', adminEmail: 'boss@acme.test' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'acme', schema: `${t.schema}__acme`, adminEmail: 'boss@acme.test' });
    expect(created.body.adminPassword).toMatch(/^[\w-]{20,}$/);
    expect(await schemas()).toContain(`${t.schema}__acme`);

    const session = await login({ tenant: 'acme', email: 'boss@acme.test', password: created.body.adminPassword });
    expect(session.status).toBe(200);
    acme = session.body.token;
    expect(acme.startsWith('acme.')).toBe(true);
    const objects = (await as(acme)('GET', '/api/v1/meta/objects')).body.data.map(
      (o: { apiName: string }) => o.apiName,
    );
    expect(objects).toContain('opportunity');
    // The default tenant's admin is not a user of acme.
    expect((await login({ tenant: 'acme', ...ADMIN })).status).toBe(401);
    expect((await t.api('GET', '/api/v1/tenants')).body.data.map((x: { name: string }) => x.name)).toEqual([
      'default',
      'acme',
    ]);
    const audit = (await t.api('GET', '/api/v1/setup-audit')).body.data;
    expect(audit[0]).toMatchObject({ action: 'tenant.create', target: 'acme' });
  });

  it("keeps each tenant's records, metadata and audit to itself", async () => {
    const mine = await as(acme)('POST', '/api/v1/records/account', { name: 'Acme secret account' });
    expect(mine.status).toBe(201);
    const theirs = await t.api('POST', '/api/v1/records/account', { name: 'Default account' });
    // Neither tenant lists, reads, searches or changes the other's record.
    expect((await t.api('GET', `/api/v1/records/account/${mine.body.id}`)).status).toBe(404);
    expect((await as(acme)('GET', `/api/v1/records/account/${theirs.body.id}`)).status).toBe(404);
    expect((await as(acme)('PATCH', `/api/v1/records/account/${theirs.body.id}`, { name: 'hijacked' })).status).toBe(
      404,
    );
    expect((await t.api('GET', '/api/v1/search?q=secret')).body.data).toEqual([]);
    const listed = (await as(acme)('GET', '/api/v1/records/account')).body.data.map((r: { name: string }) => r.name);
    expect(listed).toEqual(['Acme secret account']);
    expect((await t.sql(`select name from ${t.schema}.account where id = ?`, [theirs.body.id]))[0].name).toBe(
      'Default account',
    );
    // A custom object published in acme does not exist in the default tenant.
    const def = {
      apiName: 'widget',
      label: 'Widget',
      pluralLabel: 'Widgets',
      nameField: 'name',
      fields: [{ apiName: 'name', type: 'text', label: 'Name' }],
    };
    expect((await as(acme)('POST', '/api/v1/meta/objects', def)).status).toBe(201);
    expect((await as(acme)('POST', '/api/v1/meta/publish')).status).toBe(201);
    expect((await as(acme)('GET', '/api/v1/records/widget')).status).toBe(200);
    expect((await t.api('GET', '/api/v1/records/widget')).status).toBe(404);
    // Only the default tenant manages tenants, and its setup audit is not acme's.
    expect((await as(acme)('GET', '/api/v1/tenants')).status).toBe(404);
    expect(
      (await as(acme)('GET', '/api/v1/setup-audit')).body.data.map((a: { action: string }) => a.action),
    ).not.toContain('tenant.create');
  });

  it('refuses tokens moved to another tenant: the prefix only routes, the session must exist there', async () => {
    const bare = acme.slice('acme.'.length);
    for (const forged of [
      bare,
      `default.${bare}`,
      `acme.${t.token}`,
      `nosuch.${bare}`,
      `ACME.${bare}`,
      `acme..${bare}`,
      `../${bare}`,
    ]) {
      const res = await t.api('GET', '/api/v1/records/account', undefined, { authorization: `Bearer ${forged}` });
      expect(res.status, forged.slice(0, 12)).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await login({ tenant: 'nosuch', ...ADMIN })).status).toBe(401);
    expect((await login({ tenant: { $ne: 1 }, ...ADMIN })).status).toBe(200); // not a string: the default tenant
  });

  it('refuses bad, reserved, duplicate and hostile tenant names, creating no schema', async () => {
    const before = await schemas();
    for (const name of [
      'acme',
      'default',
      'A',
      'x',
      '1abc',
      'a-b',
      'a'.repeat(31),
      'select',
      '__proto__',
      ...corpus('identifiers.txt').slice(0, 40),
    ]) {
      const res = await t.api('POST', '/api/v1/tenants', { name, adminEmail: 'x@y.test' });
      expect([409, 422], JSON.stringify(name)).toContain(res.status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await t.api('POST', '/api/v1/tenants', { name: 'okname', adminEmail: 'not-an-email' })).status).toBe(422);
    expect(await schemas()).toEqual(before);
  });

  it('lets only an admin of the default tenant manage tenants', async () => {
    const user = await t.api('POST', '/api/v1/users', {
      email: 'ops@x.test',
      name: 'Ops',
      password: 'correct horse battery',
      permissionSets: ['api_user'],
    });
    expect(user.status).toBe(201);
    const ops = (await login({ email: 'ops@x.test', password: 'correct horse battery' })).body.token;
    const res = await as(ops)('POST', '/api/v1/tenants', { name: 'sneaky', adminEmail: 'a@b.test' });
    expect(res.status).toBe(403);
    expect(await schemas()).not.toContain(`${t.schema}__sneaky`);
  });
});

describe('tessera tenant create', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-tenant-cli-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates a tenant from the command line that the server then serves', async () => {
    const schema = ON_POSTGRES ? `${t.schema}_cli` : 'tenant_default';
    const env = {
      ...process.env,
      TESSERA_SCHEMA: schema,
      TESSERA_DATA_DIR: path.join(dir, 'data'),
      TESSERA_ADMIN_PASSWORD: ADMIN.password,
      TESSERA_ADMIN_EMAIL: ADMIN.email,
    };
    const bin = path.resolve(import.meta.dirname, '../bin/tessera.mjs');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, 'tenant', 'create', 'beta', '--admin-email', 'b@beta.test', '--admin-password', 'beta-password-1'],
      { env, timeout: 120_000 },
    );
    expect(stdout).toContain('created tenant beta');
    const engine = await startTestEngine(ON_POSTGRES ? { schema } : { dataDir: path.join(dir, 'data') });
    try {
      const session = await engine.api(
        'POST',
        '/api/v1/auth/login',
        { tenant: 'beta', email: 'b@beta.test', password: 'beta-password-1' },
        { authorization: '' },
      );
      expect(session.status).toBe(200);
      const objects = await engine.api('GET', '/api/v1/meta/objects', undefined, {
        authorization: `Bearer ${session.body.token}`,
      });
      expect(objects.body.data.length).toBeGreaterThan(5);
    } finally {
      await engine.close();
    }
  }, 180_000);
});
