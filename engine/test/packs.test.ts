import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectProblem, publish, type TestUser } from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * Issue 14 points 2–4: the pack lifecycle through the API. A small "clinic" pack is written to a
 * packs folder as version 1, installed, customised as an admin would, replaced by version 2 and
 * upgraded (the three-way merge keeping the admin's changes), uninstalled keeping the data and
 * reinstalled bringing it back.
 */

let t: TestEngine;
let dir: string;
let viewer: TestUser;
let accountId: string;
const accountFields = async () =>
  (await t.api('GET', '/api/v1/meta/objects/account')).body.fields.map((f: { apiName: string }) => f.apiName);

const label = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const text = (id: string, en: string) => ({ id: `cl.patient.${id}`, apiName: id, type: 'text', label: label(en, en) });

function clinic(version: string, v2 = false) {
  const statusValues = ['new', 'active', ...(v2 ? ['archived'] : [])];
  return {
    manifest: {
      namespace: 'cl',
      name: 'clinic',
      version,
      engine: '>=0.1.0',
      // The core pack, installed on the tenant's first start, counts as installed.
      dependencies: { core: '^1.0.0' },
      label: label('Clinic', '诊所'),
      objects: ['objects/patient.json', 'objects/visit.json'],
      layouts: ['layouts/patient.json', 'layouts/visit.json'],
      listViews: ['list-views/patient-all.json'],
      permissionSets: ['permission-sets/clinician.json'],
      extensions: ['extensions/account.json'],
      seed: ['seed/patients.json', 'seed/visits.json'],
    },
    files: {
      'seed/patients.json': {
        object: 'cl_patient',
        records: [
          { _key: 'grace', name: 'Grace Hopper', status: 'active' },
          { _key: 'alan', name: 'Alan Turing', status: 'new' },
        ],
      },
      'seed/visits.json': {
        object: 'cl_visit',
        records: [
          { subject: 'First visit', patient: { _ref: 'grace' } },
          { subject: 'Follow-up', patient: { _ref: 'grace' } },
        ],
      },
      'extensions/account.json': {
        object: 'account',
        fields: [
          { id: 'cl.account.clinic', apiName: 'cl_clinic', type: 'text', label: label('Clinic', '诊所') },
          ...(v2
            ? [
                {
                  id: 'cl.account.referrals',
                  apiName: 'cl_referrals',
                  type: 'integer',
                  label: label('Referrals', '转诊'),
                },
              ]
            : []),
        ],
      },
      'objects/patient.json': {
        id: 'cl.patient',
        apiName: 'cl_patient',
        label: v2 ? label('Patient record', '患者档案') : label('Patient', '患者'),
        pluralLabel: label('Patients', '患者'),
        nameField: 'name',
        fields: [
          text('name', 'Name'),
          { id: 'cl.patient.birth_date', apiName: 'birth_date', type: 'date', label: label('Birth date', '出生日期') },
          {
            id: 'cl.patient.status',
            apiName: 'status',
            type: 'picklist',
            label: label('Status', '状态'),
            values: statusValues.map((v) => ({ value: v, label: label(v, v) })),
          },
          ...(v2 ? [text('mrn', 'Medical record number')] : []),
        ],
      },
      'objects/visit.json': {
        id: 'cl.visit',
        apiName: 'cl_visit',
        label: label('Visit', '就诊'),
        pluralLabel: label('Visits', '就诊'),
        nameField: 'subject',
        fields: [
          { id: 'cl.visit.subject', apiName: 'subject', type: 'text', label: label('Subject', '主题') },
          {
            id: 'cl.visit.patient',
            apiName: 'patient',
            type: 'lookup',
            target: 'cl_patient',
            label: label('Patient', '患者'),
          },
        ],
      },
      'layouts/patient.json': {
        id: 'cl.patient_layout',
        apiName: 'cl_patient_layout',
        object: 'cl_patient',
        label: label('Patient', '患者'),
        sections: [{ id: 'cl.patient_layout.main', fields: ['name', 'birth_date', 'status', ...(v2 ? ['mrn'] : [])] }],
      },
      'layouts/visit.json': {
        id: 'cl.visit_layout',
        apiName: 'cl_visit_layout',
        object: 'cl_visit',
        label: label('Visit', '就诊'),
        sections: [{ id: 'cl.visit_layout.main', fields: ['subject', 'patient'] }],
      },
      'list-views/patient-all.json': {
        id: 'cl.patient_all',
        apiName: 'cl_patient_all',
        object: 'cl_patient',
        label: label('All patients', '全部患者'),
        columns: ['name', 'status'],
        visibility: 'shared',
      },
      'permission-sets/clinician.json': {
        id: 'cl.clinician',
        apiName: 'cl_clinician',
        label: label('Clinician', '临床人员'),
        objects: { cl_patient: { read: true, create: true, edit: true }, cl_visit: { read: true, create: true } },
      },
    } as Record<string, unknown>,
  };
}

/** Writes a pack into the packs folder, replacing the version there. */
function writePack(name: string, pack: { manifest: unknown; files: Record<string, unknown> }) {
  const root = path.join(dir, name);
  fs.rmSync(root, { recursive: true, force: true });
  for (const [file, content] of Object.entries({ 'pack.json': pack.manifest, ...pack.files })) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), JSON.stringify(content, null, 2));
  }
}

const packs = async () => (await t.api('GET', '/api/v1/packs')).body.data as { name: string; installed?: unknown }[];
const step = (name: string, what: string, query = '', body?: unknown) =>
  t.api('POST', `/api/v1/packs/${name}/${what}${query}`, body);
const release = async () => (await t.api('GET', '/api/v1/meta/releases')).body.data[0].n as number;
const draftRows = async () =>
  (
    await t.sql<{ j: string }>(
      `select coalesce(json_agg(x order by x::text)::text, '[]') as j from (select kind, id, definition from ??._meta_draft) x`,
      [t.schema],
    )
  )[0]!.j;

/**
 * Everything an install could leave behind: the draft, the releases, the installed packs, the
 * archive, every table and column of the tenant's schema, and the rows of every record table
 * and of the tables a record write touches (history, outbox).
 */
async function tenantState() {
  const columns = await t.sql<{ table_name: string; column_name: string; data_type: string }>(
    `select table_name, column_name, data_type from information_schema.columns
      where table_schema = ? order by table_name, column_name`,
    [t.schema],
  );
  const tables = [...new Set(columns.map((c) => c.table_name))];
  const counted = tables.filter((n) => !n.startsWith('_') || ['_automation_outbox', '_field_history'].includes(n));
  const rows: Record<string, number> = {};
  for (const table of counted)
    rows[table] = (await t.sql<{ n: number }>('select count(*)::int as n from ??.??', [t.schema, table]))[0]!.n;
  const of = async (table: string) =>
    (
      await t.sql<{ j: string }>(`select coalesce(json_agg(x order by x::text)::text, '[]') as j from ??.?? x`, [
        t.schema,
        table,
      ])
    )[0]!.j;
  return {
    draft: await draftRows(),
    release: await release(),
    packs: await of('_packs'),
    archive: await of('_meta_archive'),
    columns,
    rows,
  };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-packs-'));
  writePack('clinic', clinic('1.0.0'));
  t = await startTestEngine({ packsDir: dir });
  viewer = await createUser(t, { name: 'Viewer' });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('installing a pack', () => {
  it('lists the packs of the folder, none installed', async () => {
    expect(await packs()).toEqual([
      expect.objectContaining({ name: 'clinic', namespace: 'cl', available: '1.0.0', label: label('Clinic', '诊所') }),
    ]);
    expect((await packs())[0]!.installed).toBeUndefined();
  });

  it('refuses users without manageMetadata', async () => {
    expectProblem(await viewer.api('GET', '/api/v1/packs'), 403);
    expectProblem(await viewer.api('POST', '/api/v1/packs/clinic/install'), 403);
  });

  it('shows the plan of a dry run and changes nothing', async () => {
    const before = [await draftRows(), await release()];
    const plan = await step('clinic', 'install', '?dryRun=true');
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body).toMatchObject({
      dryRun: true,
      step: 'install',
      from: null,
      to: '1.0.0',
      conflicts: [],
      seeds: 4,
    });
    expect(plan.body.items.map((i: { apiName: string; action: string }) => `${i.apiName}:${i.action}`)).toEqual(
      expect.arrayContaining(['cl_patient:add', 'cl_visit:add', 'cl_patient_layout:add', 'cl_clinician:add']),
    );
    expect(plan.body.plan.some((p: { table: string }) => p.table === 'cl_patient')).toBe(true);
    expect([await draftRows(), await release()]).toEqual(before);
    expect((await packs())[0]!.installed).toBeUndefined();
  });

  it('installs in one publish; the objects work at once; installing again changes nothing', async () => {
    const installed = await step('clinic', 'install');
    expect(installed.status, JSON.stringify(installed.body)).toBe(201);
    const n = installed.body.release;
    expect(n).toBe(await release());
    // The seeds went through the record pipeline, a visit's lookup pointing at its seeded patient.
    expect(installed.body.seeds).toBe(4);
    const seeded = (await t.api('GET', '/api/v1/records/cl_patient?sort=name')).body.data;
    expect(seeded.map((r: { name: string }) => r.name)).toEqual(['Alan Turing', 'Grace Hopper']);
    const visits = (await t.api('GET', '/api/v1/records/cl_visit')).body.data;
    expect(JSON.stringify(visits)).toContain(seeded[1].id);
    expect(JSON.stringify(visits)).not.toContain(seeded[0].id);
    expect(visits).toHaveLength(2);
    const patient = await t.api('POST', '/api/v1/records/cl_patient', { name: 'Ada Lovelace', status: 'active' });
    expect(patient.status, JSON.stringify(patient.body)).toBe(201);
    const visit = await t.api('POST', '/api/v1/records/cl_visit', { subject: 'Check-up', patient: patient.body.id });
    expect(visit.status, JSON.stringify(visit.body)).toBe(201);
    const account = await t.api('POST', '/api/v1/records/account', { name: 'Northwind', cl_clinic: 'North clinic' });
    expect(account.status, JSON.stringify(account.body)).toBe(201);
    accountId = account.body.id;
    expect((await packs())[0]!.installed).toMatchObject({ version: '1.0.0', state: 'installed' });

    const again = await step('clinic', 'install');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ changed: false, release: n });
    expect(await release()).toBe(n);
  });

  it('refuses while the draft has unpublished edits, naming them', async () => {
    const vehicle = { apiName: 'pk_vehicle', label: 'Vehicle', pluralLabel: 'Vehicles', nameField: 'name' };
    const made = await t.api('POST', '/api/v1/meta/objects', {
      ...vehicle,
      fields: [{ apiName: 'name', type: 'text', label: 'Name' }],
    });
    expect(made.status).toBe(201);
    expectProblem(await step('clinic', 'uninstall'), 409, [{ field: 'draft', code: 'draftPending' }]);
    expect((await t.api('POST', '/api/v1/meta/draft/discard')).status).toBe(200);
  });
});

describe('upgrading a pack', () => {
  it("merges version 2 with the admin's changes: theirs land, mine stay, conflicts need a choice", async () => {
    // The admin customises version 1: relabels the object and a field, adds their own field,
    // and deletes the visit layout.
    const patient = (await t.api('GET', '/api/v1/meta/objects/cl_patient')).body;
    patient.label = label('Client', '客户');
    patient.fields.find((f: { apiName: string }) => f.apiName === 'birth_date').label = label('Born on', '出生于');
    patient.fields.push({ apiName: 'allergies', type: 'text', label: 'Allergies' });
    expect((await t.api('PUT', '/api/v1/meta/objects/cl_patient', patient)).status).toBe(200);
    expect((await t.api('DELETE', '/api/v1/meta/layouts/cl_visit_layout')).status).toBe(204);
    await publish(t, {});

    writePack('clinic', clinic('2.0.0', true));
    const plan = await step('clinic', 'upgrade', '?dryRun=true');
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body).toMatchObject({ from: '1.0.0', to: '2.0.0' });
    const keys = plan.body.conflicts.map((c: { key: string }) => c.key);
    expect(keys).toEqual(['object:cl.patient/label/en', 'object:cl.patient/label/zh-CN']);
    expect(plan.body.items).toContainEqual(
      expect.objectContaining({ apiName: 'cl_visit_layout', action: 'keepDeleted' }),
    );

    const before = await release();
    const refused = await step('clinic', 'upgrade');
    expectProblem(refused, 409, [
      { field: 'object:cl.patient/label/en', code: 'packConflict' },
      { field: 'object:cl.patient/label/zh-CN', code: 'packConflict' },
    ]);
    expect(await release()).toBe(before);

    const upgraded = await step('clinic', 'upgrade', '', {
      resolutions: { 'object:cl.patient/label/en': 'keepMine', 'object:cl.patient/label/zh-CN': 'takeTheirs' },
    });
    expect(upgraded.status, JSON.stringify(upgraded.body)).toBe(201);
    const after = (await t.api('GET', '/api/v1/meta/objects/cl_patient')).body;
    expect(after.label).toEqual({ en: 'Client', 'zh-CN': '患者档案' });
    const fields = Object.fromEntries(after.fields.map((f: { apiName: string }) => [f.apiName, f]));
    expect(fields.birth_date.label).toEqual(label('Born on', '出生于'));
    expect(fields.allergies).toBeDefined();
    expect(fields.mrn).toBeDefined();
    expect(fields.status.values.map((v: { value: string }) => v.value)).toEqual(['new', 'active', 'archived']);
    expect((await t.api('GET', '/api/v1/meta/layouts/cl_visit_layout')).status).toBe(404);
    const list = await t.api('GET', '/api/v1/records/cl_patient?sort=name');
    expect(list.body.data.map((r: { name: string }) => r.name)).toEqual([
      'Ada Lovelace',
      'Alan Turing',
      'Grace Hopper',
    ]);
    expect(upgraded.body.seeds).toBe(0);
    expect((await packs())[0]!.installed).toMatchObject({ version: '2.0.0' });
    expect(await accountFields()).toEqual(expect.arrayContaining(['cl_clinic', 'cl_referrals']));
  });

  it('refuses an upgrade to a version not newer', async () => {
    expectProblem(await step('clinic', 'upgrade'), 409, [{ field: 'version', code: 'version' }]);
  });
});

describe('uninstalling and reinstalling', () => {
  it('archives the objects, keeping their data; a reinstall brings data and customisations back', async () => {
    const plan = await step('clinic', 'uninstall', '?dryRun=true');
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body.plan.some((p: { lossy: boolean }) => p.lossy)).toBe(true);
    expectProblem(await step('clinic', 'uninstall'), 409, [
      { field: 'account.cl_clinic', code: 'lossy' },
      { field: 'cl_patient', code: 'lossy' },
      { field: 'cl_visit', code: 'lossy' },
    ]);

    const gone = await step('clinic', 'uninstall', '?confirmLossy=true');
    expect(gone.status, JSON.stringify(gone.body)).toBe(201);
    expect((await t.api('GET', '/api/v1/records/cl_patient')).status).toBe(404);
    expect((await t.api('GET', '/api/v1/meta/objects/cl_patient')).status).toBe(404);
    expect(await accountFields()).not.toContain('cl_clinic');
    expect((await t.api('GET', `/api/v1/records/account/${accountId}`)).body.cl_clinic).toBeUndefined();
    expect((await packs())[0]!.installed).toMatchObject({ version: '2.0.0', state: 'uninstalled' });

    const back = await step('clinic', 'install');
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    // The records come back; the seeds are not loaded a second time.
    expect(back.body.seeds).toBe(0);
    const list = await t.api('GET', '/api/v1/records/cl_patient?sort=name');
    expect(list.body.data.map((r: { name: string }) => r.name)).toEqual([
      'Ada Lovelace',
      'Alan Turing',
      'Grace Hopper',
    ]);
    const patient = (await t.api('GET', '/api/v1/meta/objects/cl_patient')).body;
    expect(patient.label.en).toBe('Client');
    expect(patient.fields.map((f: { apiName: string }) => f.apiName)).toContain('allergies');
    expect((await t.api('GET', `/api/v1/records/account/${accountId}`)).body.cl_clinic).toBe('North clinic');
  });
});

describe('purging', () => {
  it("is refused while other packs' or the tenant's own items name the pack's, naming each; nothing changes", async () => {
    // The admin's own: a lookup on account to the pack's patient, and a list view of the pack's account field.
    const account = (await t.api('GET', '/api/v1/meta/objects/account')).body;
    account.fields.push({ apiName: 'patient_ref', type: 'lookup', target: 'cl_patient', label: 'Patient' });
    expect((await t.api('PUT', '/api/v1/meta/objects/account', account)).status).toBe(200);
    const view = {
      apiName: 'account_by_clinic',
      object: 'account',
      label: 'By clinic',
      columns: ['name', 'cl_clinic'],
    };
    const made = await t.api('POST', '/api/v1/meta/list-views', view);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    await publish(t, {});
    // Another pack's: an object with a lookup to the pack's patient, without declaring a dependency.
    writePack('referrer', {
      manifest: {
        name: 'referrer',
        namespace: 'rf',
        version: '1.0.0',
        label: 'Referrer',
        objects: ['objects/referral.json'],
      },
      files: {
        'objects/referral.json': {
          id: 'rf.referral',
          apiName: 'rf_referral',
          label: 'Referral',
          pluralLabel: 'Referrals',
          nameField: 'name',
          fields: [
            { id: 'rf.referral.name', apiName: 'name', type: 'text', label: 'Name' },
            { id: 'rf.referral.patient', apiName: 'patient', type: 'lookup', target: 'cl_patient', label: 'Patient' },
          ],
        },
      },
    });
    const referrer = await step('referrer', 'install');
    expect(referrer.status, JSON.stringify(referrer.body)).toBe(201);

    const before = await tenantState();
    const uses = [
      { field: 'lookup:account.patient_ref', code: 'packInUse' },
      { field: 'lookup:rf_referral.patient', code: 'packInUse' },
      { field: 'listView:account.account_by_clinic', code: 'packInUse' },
    ];
    const refused = await step('clinic', 'uninstall', '?purge=true&confirmLossy=true');
    expectProblem(refused, 409, uses);
    expect(refused.body.errors.map((e: { message: string }) => e.message)).toEqual([
      "the tenant's own, names cl_patient (target)",
      'of pack referrer, names cl_patient (target)',
      "the tenant's own, names account.cl_clinic (columns)",
    ]);
    expectProblem(await step('clinic', 'uninstall', '?confirmLossy=true'), 409, uses);
    expect(await tenantState()).toEqual(before);
    expect((await packs()).find((p) => p.name === 'clinic')!.installed).toMatchObject({ state: 'installed' });

    // Once nothing names them, the purge below goes ahead.
    expect((await step('referrer', 'uninstall', '?purge=true&confirmLossy=true')).status).toBe(201);
    account.fields = account.fields.filter((f: { apiName: string }) => f.apiName !== 'patient_ref');
    expect((await t.api('PUT', '/api/v1/meta/objects/account', account)).status).toBe(200);
    expect((await t.api('DELETE', '/api/v1/meta/list-views/account_by_clinic')).status).toBe(204);
    await publish(t, {});
  });

  it('drops the data for good after a confirmation, and a later install is a first install', async () => {
    expectProblem(await step('clinic', 'uninstall', '?purge=true'), 409, [{ field: 'purge', code: 'lossy' }]);
    expect((await packs())[0]!.installed).toMatchObject({ state: 'installed' });

    const purged = await step('clinic', 'uninstall', '?purge=true&confirmLossy=true');
    expect(purged.status, JSON.stringify(purged.body)).toBe(201);
    expect(purged.body.purged).toEqual({ tables: 2, columns: 2 });
    expect((await packs())[0]!.installed).toBeUndefined();
    const archived = await t.sql<{ n: number }>(
      `select count(*)::int as n from ??._meta_archive where item_id like 'cl.%'`,
      [t.schema],
    );
    expect(archived[0]!.n).toBe(0);
    const leftovers = await t.sql<{ n: number }>(
      `select count(*)::int as n from information_schema.columns
        where table_schema = ? and (column_name like '%cl!_%' escape '!' or table_name like '%cl!_%' escape '!')`,
      [t.schema],
    );
    expect(leftovers[0]!.n).toBe(0);

    // Installed again: a first install, seeds and all, none of the purged records.
    writePack('clinic', clinic('1.0.0'));
    const fresh = await step('clinic', 'install');
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(201);
    expect(fresh.body.seeds).toBe(4);
    const names = (await t.api('GET', '/api/v1/records/cl_patient?sort=name')).body.data.map(
      (r: { name: string }) => r.name,
    );
    expect(names).toEqual(['Alan Turing', 'Grace Hopper']);
    expect((await t.api('GET', `/api/v1/records/account/${accountId}`)).body.cl_clinic ?? null).toBeNull();
  });
});

describe('what a pack may not do', () => {
  it('refuses a pack whose dependency is missing, and one whose items lack its namespace', async () => {
    writePack('needy', {
      manifest: { name: 'needy', namespace: 'nd', version: '1.0.0', label: 'Needy', dependencies: { zz: '^1.0.0' } },
      files: {},
    });
    expectProblem(await step('needy', 'install'), 409, [{ field: 'dependencies.zz', code: 'dependency' }]);
    const rogue = clinic('1.0.0');
    writePack('rogue', { manifest: { ...rogue.manifest, name: 'rogue', namespace: 'rg' }, files: rogue.files });
    const refused = await step('rogue', 'install');
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0]).toMatchObject({ field: 'objects.cl_patient', code: 'namespace' });
  });

  it('lists a pack that cannot be read with its problem, and refuses it with 422 naming the file', async () => {
    writePack('torn', {
      manifest: { name: 'torn', namespace: 'tn', version: '1.0.0', label: 'Torn', objects: ['objects/gone.json'] },
      files: {},
    });
    expect((await packs()).find((p) => p.name === 'torn')).toMatchObject({ problem: expect.stringContaining('torn') });
    expectProblem(await step('torn', 'install'), 422, [{ field: 'objects/gone.json', code: 'reference' }]);
  });

  it('refuses translations and customisations naming items the pack does not define, naming file and key', async () => {
    const base = clinic('1.0.0');
    const tl = JSON.parse(JSON.stringify(base).replaceAll('"cl.', '"tl.').replaceAll('cl_', 'tl_'));
    tl.manifest = {
      ...tl.manifest,
      name: 'translated',
      namespace: 'tl',
      translations: { 'zh-CN': 'translations/zh-CN.json' },
      customizable: { items: { 'tl.patient.nothing': { locked: ['label'] } } },
    };
    tl.files['translations/zh-CN.json'] = {
      'tl.patient': { label: '病人' },
      'tl.patient.nickname': { label: '昵称' },
      'tl.patient.status': { values: { new: '新', lost: '丢失' } },
    };
    writePack('translated', tl);
    const before = await tenantState();
    expectProblem(await step('translated', 'install', '?dryRun=true'), 422, [
      { field: 'customizable.items.tl.patient.nothing', code: 'reference' },
      { field: 'translations/zh-CN.json#/tl.patient.nickname', code: 'reference' },
      { field: 'translations/zh-CN.json#/tl.patient.status/values/lost', code: 'reference' },
    ]);
    expect(await tenantState()).toEqual(before);
  });

  it('leaves nothing installed when a seed record is refused, naming the file and the record', async () => {
    const seeded = clinic('1.0.0');
    const ns = JSON.parse(JSON.stringify(seeded).replaceAll('"cl.', '"sd.').replaceAll('cl_', 'sd_'));
    ns.manifest = { ...ns.manifest, name: 'seeded', namespace: 'sd' };
    ns.files['seed/visits.json'].records.push({ subject: 'Orphan', patient: { _ref: 'nobody' } });
    writePack('seeded', ns);
    // The failure comes half-way: after the tables, the account column and four seed records.
    const before = await tenantState();
    const refused = await step('seeded', 'install');
    expectProblem(refused, 422, [{ field: 'seed/visits.json#/records/2/patient', code: 'reference' }]);
    expect(await tenantState()).toEqual(before);
    expect(before.columns.some((c) => c.table_name.startsWith('sd_') || c.column_name.startsWith('sd_'))).toBe(false);
    expect((await t.api('GET', '/api/v1/records/sd_patient')).status).toBe(404);
    ns.files['seed/visits.json'].records.pop();
    ns.files['seed/patients.json'].records.push({ name: 'No status', status: 'unheard_of' });
    writePack('seeded', ns);
    const invalidValue = await step('seeded', 'install');
    expect(invalidValue.status).toBe(422);
    expect(invalidValue.body.errors[0].field).toBe('seed/patients.json#/records/2/status');
    expect(await tenantState()).toEqual(before);
  });

  it('leaves nothing installed when the publish fails half-way', async () => {
    const broken = clinic('1.0.0');
    const files = { ...broken.files };
    files['objects/visit.json'] = {
      ...(files['objects/visit.json'] as object),
      id: 'bk.visit',
      apiName: 'bk_visit',
      fields: [{ id: 'bk.visit.subject', apiName: 'subject', type: 'text', label: 'S' }],
      nameField: 'missing_field',
    };
    writePack('broken', {
      manifest: {
        ...broken.manifest,
        name: 'broken',
        namespace: 'bk',
        objects: ['objects/visit.json'],
        layouts: [],
        listViews: [],
        permissionSets: [],
      },
      files,
    });
    const before = [await draftRows(), await release()];
    const refused = await step('broken', 'install');
    expect(refused.status).toBe(422);
    expect([await draftRows(), await release()]).toEqual(before);
    expect((await packs()).find((p) => p.name === 'broken')!.installed).toBeUndefined();
  });
});
