import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectProblem, publish, waitFor, type TestUser } from './support/security.js';
import { expectPurgeRefusedWhileReferenced, expectSeedFailureLeavesNothing } from './support/packs.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';
import { unzipFiles, zipFiles } from '../src/lib/zip.js';

/**
 * Issue 14 point 5: the healthcare pack (plugins/healthcare) installed through the packs API on a
 * fresh tenant. Every item the pack brings must pass the engine's own checks; its objects take
 * records, its rules refuse bad ones, its workflows run, and its permission sets keep the
 * protected health fields (diagnosis code, national id) away from the front desk while
 * clinicians read them. Then v2 (engine/test/fixtures/packs/healthcare-v2) is upgraded over an
 * admin's customisation, and an uninstall and reinstall bring the records back.
 *
 * Seed records are not asserted on: the seed loader is built separately.
 */

const PACK = fileURLToPath(new URL('../../plugins/healthcare/', import.meta.url));
const V2 = fileURLToPath(new URL('./fixtures/packs/healthcare-v2/', import.meta.url));
const R = '/api/v1/records';

let t: TestEngine;
let dir: string;

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const manifest = readJson(path.join(PACK, 'pack.json'));
/** The apiNames of the items of one kind of the pack, read from its files. */
const apiNames = (kind: string): string[] =>
  ((manifest[kind] as string[] | undefined) ?? []).map((file) => readJson(path.join(PACK, file)).apiName);
const ITEM_KINDS: [string, string][] = [
  ['objects', 'objects'],
  ['layouts', 'layouts'],
  ['listViews', 'list-views'],
  ['dashboards', 'dashboards'],
  ['roles', 'roles'],
  ['permissionSets', 'permission-sets'],
  ['workflows', 'workflows'],
];

const step = (what: string, query = '', body?: unknown) =>
  t.api('POST', `/api/v1/packs/healthcare/${what}${query}`, body);
const create = async (object: string, values: Record<string, unknown>, api = t.api) => {
  const res = await api('POST', `${R}/${object}`, values);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Record<string, any>;
};
const ruleErrors = (res: { body: any }) =>
  (res.body.errors as { field: string; code: string; rule?: string }[]).map((e) => [e.field, e.code, e.rule]);

let provider: Record<string, any>;
let patient: Record<string, any>;
let appointment: Record<string, any>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-hc-'));
  fs.cpSync(PACK, path.join(dir, 'healthcare'), { recursive: true });
  t = await startTestEngine({ packsDir: dir });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('installing the healthcare pack', () => {
  it('lists it with its labels', async () => {
    const packs = (await t.api('GET', '/api/v1/packs')).body.data;
    expect(packs).toEqual([
      expect.objectContaining({
        name: 'healthcare',
        namespace: 'hc',
        available: '1.0.0',
        label: { en: 'Healthcare', 'zh-CN': '医疗' },
      }),
    ]);
  });

  it('installs nothing when its last item is refused', async () => {
    const release = async () => (await t.api('GET', '/api/v1/meta/releases')).body.data[0].n as number;
    const before = await release();
    const file = path.join(dir, 'healthcare', 'workflows', 'encounter-follow-up.json');
    const good = fs.readFileSync(file, 'utf8');
    const broken = JSON.parse(good);
    broken.actions[0].values.no_such_field = 1;
    fs.writeFileSync(file, JSON.stringify(broken));
    try {
      const refused = await step('install');
      expect(refused.status, JSON.stringify(refused.body)).toBe(422);
      expect(JSON.stringify(refused.body.errors)).toContain('no_such_field');
    } finally {
      fs.writeFileSync(file, good);
    }
    expect(await release()).toBe(before);
    expect((await t.api('GET', '/api/v1/meta/objects/hc_patient')).status).toBe(404);
    expect((await t.api('GET', '/api/v1/packs')).body.data[0].installed).toBeUndefined();
  });

  it('installs nothing when a seed record is refused after its tables are written', async () => {
    await expectSeedFailureLeavesNothing(t, step, path.join(dir, 'healthcare'), 'seed/prescriptions.json', (r) => {
      r.start_date = 'not a date';
    });
  });

  it('plans every item of the pack in a dry run', async () => {
    const plan = await step('install', '?dryRun=true');
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body).toMatchObject({ dryRun: true, step: 'install', from: null, to: '1.0.0', conflicts: [] });
    const planned = plan.body.items.map((i: { apiName: string; action: string }) => `${i.apiName}:${i.action}`);
    const expected = ITEM_KINDS.flatMap(([kind]) => apiNames(kind)).map((n) => `${n}:add`);
    expect(expected.length).toBeGreaterThan(30);
    expect(planned).toEqual(expect.arrayContaining(expected));
    for (const table of apiNames('objects'))
      expect(
        plan.body.plan.some((p: { table: string }) => p.table === table),
        table,
      ).toBe(true);
  });

  it('installs in one publish, and every item is there after', async () => {
    const installed = await step('install');
    expect(installed.status, JSON.stringify(installed.body)).toBe(201);
    for (const [kind, segment] of ITEM_KINDS)
      for (const name of apiNames(kind)) {
        const res = await t.api('GET', `/api/v1/meta/${segment}/${name}`);
        expect(res.status, `${segment}/${name}`).toBe(200);
      }
    const patientDef = (await t.api('GET', '/api/v1/meta/objects/hc_patient')).body;
    expect(patientDef.label).toEqual({ en: 'Patient', 'zh-CN': '患者' });
    const board = (await t.api('GET', '/api/v1/meta/list-views/hc_appointment_board')).body;
    expect(board.kanban).toEqual({ groupBy: 'status', summary: 'duration_minutes' });
    const layout = (await t.api('GET', '/api/v1/meta/layouts/hc_appointment_layout')).body;
    expect(layout.fieldRules.cancellation_reason).toEqual({
      visibleWhen: { '==': [{ var: 'status' }, 'cancelled'] },
      requiredWhen: { '==': [{ var: 'status' }, 'cancelled'] },
    });
    const patientLayout = (await t.api('GET', '/api/v1/meta/layouts/hc_patient_layout')).body;
    expect(patientLayout.relatedLists.map((r: { object: string }) => r.object)).toEqual([
      'hc_appointment',
      'hc_encounter',
      'hc_insurance_policy',
      'hc_prescription',
    ]);
    const roles = (await t.api('GET', '/api/v1/meta/roles/hc_physician')).body;
    expect(roles.parent).toBe('hc_medical_director');
  });

  it('takes records on every object, linked through their lookups', async () => {
    provider = await create('hc_provider', { name: 'Dr. Test House', specialty: 'neurology', license_number: 'T-1' });
    patient = await create('hc_patient', {
      name: 'Pat Test',
      date_of_birth: '1980-02-29',
      sex: 'female',
      email: 'pat@patient.example',
      national_id: 'NAT-123',
      diagnosis_code: 'G43.909',
      primary_provider: provider.id,
    });
    expect(patient.status).toBe('active');
    appointment = await create('hc_appointment', {
      patient: patient.id,
      provider: provider.id,
      start: '2031-03-10T10:00:00.000Z',
      reason: 'Migraine',
    });
    expect(appointment).toMatchObject({ status: 'scheduled', duration_minutes: 30 });
    expect(appointment.appointment_number).toMatch(/^APT-\d{5}$/);
    const encounter = await create('hc_encounter', {
      patient: patient.id,
      provider: provider.id,
      appointment: appointment.id,
      date: '2031-03-10',
      diagnosis_code: 'G43.909',
      notes: 'Triptan trial.',
    });
    await create('hc_insurance_policy', {
      patient: patient.id,
      insurer: 'Acme Health',
      policy_number: 'AH-1',
      valid_from: '2031-01-01',
      valid_to: '2031-12-31',
      coverage_percent: 80,
    });
    await create('hc_prescription', {
      patient: patient.id,
      provider: provider.id,
      encounter: encounter.id,
      medication: 'Sumatriptan',
      dosage: '50 mg',
      frequency: 'as_needed',
      start_date: '2031-03-10',
    });
    const related = await t.api(
      'GET',
      `${R}/hc_prescription?filter=${encodeURIComponent(JSON.stringify({ patient: { eq: patient.id } }))}`,
    );
    expect(related.body.data.map((r: { medication: string }) => r.medication)).toEqual(['Sumatriptan']);
  });
});

describe('the clinic dashboard', () => {
  it('has widgets the aggregate API answers, counting appointments by status', async () => {
    const dashboard = (await t.api('GET', '/api/v1/meta/dashboards/hc_clinic')).body;
    expect(dashboard.widgets.length).toBeGreaterThanOrEqual(5);
    for (const w of dashboard.widgets) {
      const period = w.dateField ? { [w.dateField]: { eq: dashboard.dateFilter.default } } : undefined;
      const filter = w.filter && period ? { and: [w.filter, period] } : (w.filter ?? period);
      const q = new URLSearchParams({
        metrics: w.metric,
        ...(w.groupBy ? { groupBy: w.groupBy } : {}),
        ...(filter ? { filter: JSON.stringify(filter) } : {}),
      });
      const res = await t.api('GET', `/api/v1/records/${w.object}/aggregate?${q}`);
      expect(res.status, `${w.id} ${JSON.stringify(res.body)}`).toBe(200);
    }
    const byStatus = dashboard.widgets.find(
      (w: { id: string }) => w.id === 'hc.clinic_dashboard.appointments_by_status',
    );
    const q = new URLSearchParams({ metrics: byStatus.metric, groupBy: byStatus.groupBy });
    const groups = (await t.api('GET', `/api/v1/records/hc_appointment/aggregate?${q}`)).body.data;
    // The seeded appointments and this file's own, counted by the list as by the widget.
    const all = (await t.api('GET', '/api/v1/records/hc_appointment?limit=200')).body.data as { status: string }[];
    const scheduled = all.filter((a) => a.status === 'scheduled').length;
    expect(scheduled).toBeGreaterThan(0);
    expect(groups).toContainEqual(expect.objectContaining({ status: 'scheduled', count: scheduled }));
  });
});

describe('rules', () => {
  it('refuses an insurance policy ending before it starts, naming the rule, and saves nothing', async () => {
    const res = await t.api('POST', `${R}/hc_insurance_policy`, {
      patient: patient.id,
      insurer: 'Acme Health',
      policy_number: 'AH-BAD',
      valid_from: '2031-06-01',
      valid_to: '2031-05-31',
    });
    expectProblem(res, 422);
    expect(ruleErrors(res)).toEqual([['valid_to', 'validationRule', 'hc_valid_to_after_from']]);
    const list = await t.api('GET', `${R}/hc_insurance_policy`);
    expect(list.body.data.map((r: { policy_number: string }) => r.policy_number)).not.toContain('AH-BAD');
  });

  it('refuses an appointment shorter than 5 or longer than 480 minutes', async () => {
    for (const duration_minutes of [4, 481]) {
      const res = await t.api('POST', `${R}/hc_appointment`, {
        patient: patient.id,
        provider: provider.id,
        start: '2031-04-01T09:00:00.000Z',
        duration_minutes,
      });
      expectProblem(res, 422);
      expect(ruleErrors(res)).toEqual([['duration_minutes', 'validationRule', 'hc_duration_range']]);
    }
    expect((await t.api('PATCH', `${R}/hc_appointment/${appointment.id}`, { duration_minutes: 480 })).status).toBe(200);
  });

  it('requires a cancellation reason only when the appointment is cancelled', async () => {
    const cancelled = await t.api('PATCH', `${R}/hc_appointment/${appointment.id}`, { status: 'cancelled' });
    expectProblem(cancelled, 422);
    expect(ruleErrors(cancelled)).toContainEqual(['cancellation_reason', 'required', undefined]);
    const withReason = await t.api('PATCH', `${R}/hc_appointment/${appointment.id}`, {
      status: 'cancelled',
      cancellation_reason: 'Patient unwell',
    });
    expect(withReason.status, JSON.stringify(withReason.body)).toBe(200);
    const back = await t.api('PATCH', `${R}/hc_appointment/${appointment.id}`, {
      status: 'scheduled',
      cancellation_reason: null,
    });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
  });
});

describe('protected health fields', () => {
  let clinician: TestUser;
  let frontDesk: TestUser;

  beforeAll(async () => {
    clinician = await createUser(t, { name: 'Clinician', role: 'hc_physician', permissionSets: ['hc_clinician'] });
    frontDesk = await createUser(t, {
      name: 'Receptionist',
      role: 'hc_receptionist',
      permissionSets: ['hc_front_desk'],
    });
  });

  it('lets a clinician read the diagnosis code and national id', async () => {
    const res = await clinician.api('GET', `${R}/hc_patient/${patient.id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ diagnosis_code: 'G43.909', national_id: 'NAT-123' });
    expect((await clinician.api('GET', `${R}/hc_encounter`)).status).toBe(200);
  });

  it('stores them encrypted, finds a patient by national id, and audits every read of them', async () => {
    const [row] = await t.sql('select national_id, diagnosis_code from ??.hc_patient where id = ?', [
      t.schema,
      patient.id,
    ]);
    expect(row.national_id).toMatch(/^tsr1\./);
    expect(row.diagnosis_code).toMatch(/^tsr1\./);
    const found = await clinician.api(
      'GET',
      `${R}/hc_patient?filter=${encodeURIComponent(JSON.stringify({ national_id: 'NAT-123' }))}`,
    );
    expect(found.body.data.map((p: { id: string }) => p.id)).toEqual([patient.id]);
    const audit = await t.api('GET', `/api/v1/read-audit?recordId=${patient.id}`);
    const reads = (audit.body.data as { userId: string; action: string; fields: string[] }[]).filter(
      (e) => e.userId === clinician.id,
    );
    expect(reads.map((e) => e.action)).toEqual(['list', 'get']);
    expect(reads[1]!.fields.sort()).toEqual(['diagnosis_code', 'national_id']);
  });

  it('hides them from the front desk on every read, and refuses writing or filtering on them', async () => {
    const one = await frontDesk.api('GET', `${R}/hc_patient/${patient.id}`);
    expect(one.status, JSON.stringify(one.body)).toBe(200);
    expect(one.body.name).toBe('Pat Test');
    expect(one.body).not.toHaveProperty('diagnosis_code');
    expect(one.body).not.toHaveProperty('national_id');
    const list = await frontDesk.api('GET', `${R}/hc_patient`);
    for (const row of list.body.data) {
      expect(row).not.toHaveProperty('diagnosis_code');
      expect(row).not.toHaveProperty('national_id');
    }
    const filtered = await frontDesk.api(
      'GET',
      `${R}/hc_patient?filter=${encodeURIComponent(JSON.stringify({ national_id: { eq: 'NAT-123' } }))}`,
    );
    expect(filtered.status).toBe(400);
    expectProblem(await frontDesk.api('POST', `${R}/hc_patient`, { name: 'New', diagnosis_code: 'X' }), 422, [
      { field: 'diagnosis_code', code: 'unknownField' },
    ]);
    const registered = await create('hc_patient', { name: 'Walk-in', phone: '+1 555 0199' }, frontDesk.api);
    expect(registered).not.toHaveProperty('national_id');
    // Shown none of them, so none of their reads is in the audit.
    expect((await t.api('GET', `/api/v1/read-audit?userId=${frontDesk.id}`)).body.data).toEqual([]);
  });

  it("leaves them out of the front desk's screens: the patient layout and the object's fields", async () => {
    const runtimeOf = async (user: TestUser) => (await user.api('GET', '/api/v1/meta/runtime')).body;
    const patientLayout = (body: any) =>
      (body.layouts as { object: string; sections: { fields: string[] }[] }[])
        .filter((l) => l.object === 'hc_patient')
        .flatMap((l) => l.sections.flatMap((s) => s.fields));
    const patientFields = (body: any) =>
      (body.objects as { apiName: string; fields: { apiName: string }[] }[])
        .find((o) => o.apiName === 'hc_patient')!
        .fields.map((f) => f.apiName);
    const desk = await runtimeOf(frontDesk);
    const doctor = await runtimeOf(clinician);
    for (const hidden of ['diagnosis_code', 'national_id']) {
      expect(patientLayout(desk)).not.toContain(hidden);
      expect(patientFields(desk)).not.toContain(hidden);
      expect(patientLayout(doctor)).toContain(hidden);
      expect(patientFields(doctor)).toContain(hidden);
    }
    expect(patientLayout(desk)).toContain('allergies');
  });

  it('lets the front desk book appointments but not see clinical objects', async () => {
    const booked = await create(
      'hc_appointment',
      { patient: patient.id, provider: provider.id, start: '2031-05-02T11:00:00.000Z' },
      frontDesk.api,
    );
    expect(booked.status).toBe('scheduled');
    // Objects a user may not read are no objects at all for them: 404, as for a name that does not exist.
    expectProblem(await frontDesk.api('GET', `${R}/hc_encounter`), 404);
    expectProblem(await frontDesk.api('GET', `${R}/hc_prescription`), 404);
    expectProblem(await frontDesk.api('POST', `${R}/hc_encounter`, { patient: patient.id }), 404);
  });
});

describe('workflows', () => {
  it('books a follow-up appointment two weeks after an encounter that needs one', async () => {
    const encounter = await create('hc_encounter', {
      patient: patient.id,
      provider: provider.id,
      date: '2031-06-01',
      follow_up_needed: true,
    });
    const filter = encodeURIComponent(JSON.stringify({ reason: { eq: `Follow-up of ${encounter.encounter_number}` } }));
    const [followUp] = await waitFor(async () => {
      const rows = (await t.api('GET', `${R}/hc_appointment?filter=${filter}`)).body.data;
      return rows.length ? rows : undefined;
    }, 'the follow-up appointment');
    expect(followUp).toMatchObject({
      patient: patient.id,
      provider: provider.id,
      status: 'scheduled',
      duration_minutes: 30,
    });
    expect(new Date(followUp.start).toISOString()).toBe('2031-06-15T09:00:00.000Z');
  });

  it('reminds the owner and the receptionists 24 hours before an appointment', async () => {
    const receptionist = await createUser(t, { name: 'Desk', role: 'hc_receptionist' });
    const at = (iso: string) => t.engine.automation.schedule(new Date(iso));
    await at('2031-01-01T00:00:00Z');
    const booked = await create('hc_appointment', {
      patient: patient.id,
      provider: provider.id,
      start: '2031-07-10T10:00:00.000Z',
      status: 'confirmed',
    });
    await at('2031-07-09T09:59:00Z');
    const runsFor = async () =>
      (
        (await t.api('GET', `/api/v1/automation/runs?workflow=hc_appointment_reminder&record=${booked.id}`)).body
          .runs as { status: string }[]
      ).filter((r) => r.status === 'succeeded' || r.status === 'failed');
    expect(await runsFor()).toEqual([]);
    await at('2031-07-09T10:00:01Z');
    const [run] = await waitFor(async () => {
      const runs = await runsFor();
      return runs.length ? runs : undefined;
    }, 'the reminder run');
    expect(run!.status).toBe('succeeded');
    const title = `Tomorrow: appointment ${booked.appointment_number} at 2031-07-10T10:00:00.000Z`;
    const bell = async (api: TestUser['api'] | TestEngine['api']) =>
      ((await api('GET', '/api/v1/notifications')).body.data as { title: string }[]).map((n) => n.title);
    expect(await bell(t.api)).toContain(title);
    expect(await bell(receptionist.api)).toContain(title);
  });
});

describe('upgrading to v2, uninstalling and reinstalling', () => {
  it("keeps the admin's customisation and brings v2's additions", async () => {
    const def = (await t.api('GET', '/api/v1/meta/objects/hc_patient')).body;
    def.fields.find((f: { apiName: string }) => f.apiName === 'allergies').label = {
      en: 'Known allergies',
      'zh-CN': '已知过敏',
    };
    def.fields.push({ apiName: 'preferred_language', type: 'text', label: 'Preferred language' });
    // pack.json locks rule conditions (they protect the data): editing one is refused, naming it;
    // the same rule's message, which the admin may change, saves.
    const ruleAt = def.validationRules.findIndex((r: { apiName: string }) => r.apiName === 'hc_birth_not_future');
    const rule = def.validationRules[ruleAt];
    const packCondition = rule.condition;
    rule.condition = { '==': [1, 0] };
    rule.message = { en: 'Born in the future?', 'zh-CN': '出生在未来?' };
    const locked = await t.api('PUT', '/api/v1/meta/objects/hc_patient', def);
    expectProblem(locked, 422, [{ field: `/validationRules/${ruleAt}/condition`, code: 'packLocked' }]);
    expect(locked.body.errors[0].message).toContain('healthcare');
    const typeChange = structuredClone(def);
    typeChange.validationRules[ruleAt].condition = packCondition;
    typeChange.fields.find((f: { apiName: string }) => f.apiName === 'allergies').type = 'text';
    expectProblem(await t.api('PUT', '/api/v1/meta/objects/hc_patient', typeChange), 422, [
      {
        field: `/fields/${typeChange.fields.findIndex((f: { apiName: string }) => f.apiName === 'allergies')}/type`,
        code: 'packLocked',
      },
    ]);
    rule.condition = packCondition;
    expect((await t.api('PUT', '/api/v1/meta/objects/hc_patient', def)).status).toBe(200);
    await publish(t, {});
    // A configuration import is not stopped (the files are the source of truth): the upgrade
    // sets its edit of a locked property back, and its plan says so.
    const exported = await fetch(`${t.url}/api/v1/meta/export`, { headers: { authorization: `Bearer ${t.token}` } });
    const files = unzipFiles(new Uint8Array(await exported.arrayBuffer()), {
      maxFileBytes: 1 << 22,
      maxTotalBytes: 1 << 26,
      maxEntries: 10_000,
    });
    const texts = new Map([...files].map(([p, b]) => [p, new TextDecoder().decode(b)]));
    const file = [...texts.keys()].find((p) => p.endsWith('/hc_patient.json'))!;
    const inFile = JSON.parse(texts.get(file)!);
    inFile.validationRules.find((r: { apiName: string }) => r.apiName === 'hc_birth_not_future').condition = {
      '==': [1, 0],
    };
    texts.set(file, JSON.stringify(inFile, null, 2) + '\n');
    const imported = await fetch(`${t.url}/api/v1/meta/import?publish=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/zip' },
      body: Buffer.from(zipFiles(texts)),
    });
    expect(imported.status, await imported.clone().text()).toBe(201);
    const withLanguage = await t.api('PATCH', `${R}/hc_patient/${patient.id}`, { preferred_language: 'Welsh' });
    expect(withLanguage.status, JSON.stringify(withLanguage.body)).toBe(200);

    fs.rmSync(path.join(dir, 'healthcare'), { recursive: true });
    fs.cpSync(V2, path.join(dir, 'healthcare'), { recursive: true });
    const plan = await step('upgrade', '?dryRun=true');
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body).toMatchObject({ from: '1.0.0', to: '2.0.0' });
    // The admin changed what v2 leaves alone, so nothing conflicts.
    expect(plan.body.conflicts).toEqual([]);
    const patientPlan = plan.body.items.find((i: { apiName: string }) => i.apiName === 'hc_patient');
    expect(patientPlan.reset).toEqual(['/validationRules/hc.patient.birth_not_future/condition']);
    expect(patientPlan.kept).toContain('/validationRules/hc.patient.birth_not_future/message');
    const upgraded = await step('upgrade');
    expect(upgraded.status, JSON.stringify(upgraded.body)).toBe(201);

    const after = (await t.api('GET', '/api/v1/meta/objects/hc_patient')).body;
    const fields = Object.fromEntries(after.fields.map((f: { apiName: string }) => [f.apiName, f]));
    expect(fields.allergies.label).toEqual({ en: 'Known allergies', 'zh-CN': '已知过敏' });
    const ruleAfter = after.validationRules.find((r: { apiName: string }) => r.apiName === 'hc_birth_not_future');
    expect(ruleAfter.condition).toEqual(packCondition);
    expect(ruleAfter.message).toEqual({ en: 'Born in the future?', 'zh-CN': '出生在未来?' });
    const unborn = await t.api('POST', `${R}/hc_patient`, { name: 'Not Yet', date_of_birth: '2999-01-01' });
    expect(ruleErrors(unborn)).toContainEqual(['date_of_birth', 'validationRule', 'hc_birth_not_future']);
    expect(fields.preferred_language).toBeDefined();
    expect(fields.blood_type).toBeDefined();
    expect(fields.status.values.map((v: { value: string }) => v.value)).toContain('transferred');
    const specialty = (await t.api('GET', '/api/v1/meta/objects/hc_provider')).body.fields.find(
      (f: { apiName: string }) => f.apiName === 'specialty',
    );
    expect(specialty.values[0].label).toEqual({ en: 'Family medicine', 'zh-CN': '家庭医学' });
    expect((await t.api('GET', '/api/v1/meta/list-views/hc_patient_inactive')).status).toBe(200);
    const packs = (await t.api('GET', '/api/v1/packs')).body.data;
    expect(packs[0].installed).toMatchObject({ version: '2.0.0' });

    const kept = await t.api('GET', `${R}/hc_patient/${patient.id}`);
    expect(kept.body).toMatchObject({ name: 'Pat Test', preferred_language: 'Welsh', national_id: 'NAT-123' });
    expect((await t.api('PATCH', `${R}/hc_patient/${patient.id}`, { blood_type: 'O+' })).status).toBe(200);
  });

  it("refuses a purge while the admin's own metadata names its objects", async () => {
    await expectPurgeRefusedWhileReferenced(t, step, 'hc_patient');
  });

  it('archives the records on uninstall and brings them back on reinstall', async () => {
    expectProblem(await step('uninstall'), 409);
    const gone = await step('uninstall', '?confirmLossy=true');
    expect(gone.status, JSON.stringify(gone.body)).toBe(201);
    expect((await t.api('GET', `${R}/hc_patient`)).status).toBe(404);
    expect((await t.api('GET', '/api/v1/meta/layouts/hc_patient_layout')).status).toBe(404);

    const back = await step('install');
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    const again = await t.api('GET', `${R}/hc_patient/${patient.id}`);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ name: 'Pat Test', blood_type: 'O+', preferred_language: 'Welsh' });
    expect((await t.api('GET', `${R}/hc_appointment/${appointment.id}`)).status).toBe(200);
  });
});
