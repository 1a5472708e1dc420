import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { expectProblem } from './security.js';
import type { ApiResponse, TestEngine } from './test-engine.js';

/** The lifecycle checks every pack's test makes: a failure half-way, and a purge while referenced. */

type Step = (what: string, query?: string, body?: unknown) => Promise<ApiResponse>;

/**
 * What a pack step could leave behind: the tables and columns of the tenant's schema, the
 * draft, the installed packs, and (`counts`) how many rows each table holds — left out where
 * workflows of earlier tests may still be writing records.
 */
export async function tenantState(t: TestEngine, counts = true): Promise<string> {
  const columns = await t.sql(
    'select table_name, column_name, data_type from information_schema.columns where table_schema = ? order by 1, 2',
    [t.schema],
  );
  const tables = [...new Set(columns.map((c: { table_name: string }) => c.table_name))].filter(
    (name) => !name.startsWith('_') || ['_packs', '_meta_draft', '_meta_releases', '_field_history'].includes(name),
  );
  const rows: Record<string, number> = {};
  if (counts)
    for (const table of tables)
      rows[table] = (await t.sql('select count(*)::int as n from ??.??', [t.schema, table]))[0].n as number;
  const draft = await t.sql('select kind, id, definition from ??._meta_draft order by kind, id', [t.schema]);
  const packs = await t.sql('select name, version, state from ??._packs order by name', [t.schema]);
  const releases = await t.sql('select count(*)::int as n from ??._meta_releases', [t.schema]);
  return JSON.stringify({ columns, rows, draft, packs, releases });
}

/**
 * Breaks the last record of the pack's last seed file so the database refuses it — after every
 * table, column and earlier seed record of the install has been written — and checks the install
 * is refused and the tenant is exactly as before. The file is put back afterwards.
 */
export async function expectSeedFailureLeavesNothing(
  t: TestEngine,
  step: Step,
  packDir: string,
  seedFile: string,
  breakRecord: (record: Record<string, unknown>) => void,
): Promise<void> {
  const file = path.join(packDir, seedFile);
  const good = fs.readFileSync(file, 'utf8');
  const seed = JSON.parse(good) as { records: Record<string, unknown>[] };
  breakRecord(seed.records.at(-1)!);
  const before = await tenantState(t);
  fs.writeFileSync(file, JSON.stringify(seed));
  try {
    const refused = await step('install');
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    // Refused by the record pipeline as the seed was written, not by a check before the install.
    expect(refused.body.detail).toContain(`seed record ${seed.records.length - 1} of ${seedFile} is refused`);
  } finally {
    fs.writeFileSync(file, good);
  }
  expect(await tenantState(t)).toBe(before);
}

/**
 * An admin's lookup on core `account` points at one of the pack's objects: a purge is refused
 * (409 packInUse naming the lookup) and changes nothing; once the lookup is gone, nothing stops
 * it. The pack stays installed.
 */
export async function expectPurgeRefusedWhileReferenced(t: TestEngine, step: Step, target: string): Promise<void> {
  const account = (await t.api('GET', '/api/v1/meta/objects/account')).body;
  const plain = structuredClone(account);
  account.fields.push({ apiName: 'pack_ref', type: 'lookup', target, label: { en: 'Pack record' } });
  const saved = await t.api('PUT', '/api/v1/meta/objects/account', account);
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
  const before = await tenantState(t, false);
  const refused = await step('uninstall', '?purge=true&confirmLossy=true');
  expectProblem(refused, 409);
  expect(refused.body.errors).toContainEqual(
    expect.objectContaining({ code: 'packInUse', field: expect.stringContaining('account') }),
  );
  expect(await tenantState(t, false)).toBe(before);
  // The admin's lookup goes (archived with its column); the pack's dry-run purge is then allowed.
  expect((await t.api('PUT', '/api/v1/meta/objects/account', plain)).status).toBe(200);
  expect((await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true })).status).toBe(201);
  const planned = await step('uninstall', '?purge=true&confirmLossy=true&dryRun=true');
  expect(planned.status, JSON.stringify(planned.body)).toBe(200);
}
