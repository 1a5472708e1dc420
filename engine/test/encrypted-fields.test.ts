import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectProblem, publish, waitFor, type TestUser } from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';
import { createLogger } from '../src/lib/log.js';

/**
 * Encrypted fields (`encrypted: true`): the value is stored with AES-256-GCM and a blind index,
 * read back in clear by those who may read it on every path, found by its exact value, unique by
 * its index — and never held in clear by the database: not in the table, the field history or
 * the workflow outbox. What the database would have to compute from the value (sorting,
 * grouping, ranges, partial matches) is refused with a 400 naming the field. Reads of a field
 * marked `auditReads` land in the read audit: who, when, which record, which fields, how.
 * encryption-keys.test.ts covers key rotation and an engine without a key.
 */

const OBJ = 'enc_patient';
const R = `/api/v1/records/${OBJ}`;
const NATIONAL_ID = 'NI-8842-1937';
const DIAGNOSIS = 'E11.9';

let t: TestEngine;
let clinician: TestUser;
let desk: TestUser;

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
/** What is stored of the records: their rows and their history. */
const stored = async () =>
  JSON.stringify([
    await t.sql('select * from ??.??', [t.schema, OBJ]),
    await t.sql('select * from ??._field_history', [t.schema]),
  ]);
/** With the workflow outbox and runs, which the worker drains meanwhile: for what must never be there. */
const storedAnywhere = async () =>
  (await stored()) +
  JSON.stringify([
    await t.sql('select * from ??._automation_outbox', [t.schema]),
    await t.sql('select * from ??._automation_runs', [t.schema]),
  ]);

/** Everything the engine logs, at debug level: no value of an encrypted field may be in it. */
const logged: string[] = [];

beforeAll(async () => {
  const logger = await createLogger({
    level: 'debug',
    pretty: false,
    destination: { write: (l: string) => logged.push(l) },
  });
  t = await startTestEngine({ logger });
  await publish(t, {
    objects: [
      {
        apiName: OBJ,
        label: 'Patient',
        pluralLabel: 'Patients',
        nameField: 'name',
        sharing: { default: 'readWrite' },
        fields: [
          { apiName: 'name', type: 'text', label: 'Name', required: true },
          { apiName: 'national_id', type: 'text', label: 'National ID', encrypted: true, unique: true, maxLength: 32 },
          { apiName: 'diagnosis', type: 'text', label: 'Diagnosis', encrypted: true, auditReads: true },
          { apiName: 'email', type: 'email', label: 'E-mail', encrypted: true },
          { apiName: 'notes', type: 'textarea', label: 'Notes', encrypted: true },
        ],
      },
    ],
    permissionSets: [
      {
        apiName: 'enc_clinical',
        label: 'Clinical',
        objects: { [OBJ]: { read: true, create: true, edit: true } },
        system: ['exportData', 'importData'],
      },
      {
        apiName: 'enc_desk',
        label: 'Front desk',
        objects: { [OBJ]: { read: true, create: true, edit: true } },
        fields: { [`${OBJ}.diagnosis`]: { read: false, edit: false } },
      },
    ],
  });
  // A workflow on the object: its changes are captured into the outbox, which must not hold clear text either.
  const wf = await t.api('POST', '/api/v1/meta/workflows', {
    apiName: 'enc_touch',
    label: { en: 'Touch' },
    object: OBJ,
    trigger: { on: 'create' },
    actions: [{ type: 'notify', to: [{ owner: true }], title: 'New patient' }],
  });
  expect(wf.status, JSON.stringify(wf.body)).toBe(201);
  expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
  clinician = await createUser(t, { name: 'Clinician', permissionSets: ['enc_clinical'] });
  desk = await createUser(t, { name: 'Desk', permissionSets: ['enc_desk'] });
});
afterAll(async () => {
  await t?.close();
  // Every test above wrote, read, filtered, imported, exported or refused these values.
  for (const clear of [NATIONAL_ID, DIAGNOSIS, 'NI-IMP-2', 'J45.909', 'penicillin'])
    expect(logged.join('\n'), clear).not.toContain(clear);
  expect(logged.length).toBeGreaterThan(10);
});

describe('an encrypted field', () => {
  let id: string;

  it('is written and read in clear through the API, and stored only encrypted', async () => {
    const created = await clinician.api('POST', R, {
      name: 'Ada',
      national_id: NATIONAL_ID,
      diagnosis: DIAGNOSIS,
      email: 'Ada@Example.org',
      notes: 'Allergic to penicillin',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ national_id: NATIONAL_ID, diagnosis: DIAGNOSIS, email: 'ada@example.org' });
    id = created.body.id;
    expect((await clinician.api('GET', `${R}/${id}`)).body).toMatchObject({
      national_id: NATIONAL_ID,
      diagnosis: DIAGNOSIS,
      notes: 'Allergic to penicillin',
    });
    const list = await clinician.api('GET', `${R}?${q({ fields: 'name,national_id,diagnosis' })}`);
    expect(list.body.data).toEqual([expect.objectContaining({ national_id: NATIONAL_ID, diagnosis: DIAGNOSIS })]);

    const [row] = await t.sql('select national_id, national_id__bidx from ??.?? where id = ?', [t.schema, OBJ, id]);
    expect(row.national_id).toMatch(/^tsr1\.[0-9a-f]{8}\./);
    expect(row.national_id__bidx).toMatch(/^[0-9a-f]{32}$/);
    const updated = await clinician.api('PATCH', `${R}/${id}`, { diagnosis: 'E11.65', notes: 'Also: latex' });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.diagnosis).toBe('E11.65');
    const everything = await storedAnywhere();
    for (const clear of [NATIONAL_ID, DIAGNOSIS, 'E11.65', 'ada@example.org', 'penicillin', 'latex'])
      expect(everything).not.toContain(clear);
  });

  it('says in its history that it changed, never what it held', async () => {
    const history = (await clinician.api('GET', `${R}/${id}/history`)).body.data as Record<string, unknown>[];
    const change = history.find((h) => h.field === 'diagnosis');
    expect(change).toMatchObject({ event: 'updated', oldValue: null, newValue: null });
  });

  it('is found by its exact value, and refuses what needs the value in the database', async () => {
    await clinician.api('POST', R, { name: 'Grace', national_id: 'NI-0000-0001' });
    const found = await clinician.api('GET', `${R}?${q({ filter: JSON.stringify({ national_id: NATIONAL_ID }) })}`);
    expect(found.body.data.map((r: { name: string }) => r.name)).toEqual(['Ada']);
    const byIn = await clinician.api(
      'GET',
      `${R}?${q({ filter: JSON.stringify({ national_id: { in: ['NI-0000-0001', 'nobody'] } }), sort: 'name' })}`,
    );
    expect(byIn.body.data.map((r: { name: string }) => r.name)).toEqual(['Grace']);
    const notAda = await clinician.api(
      'GET',
      `${R}?${q({ filter: JSON.stringify({ national_id: { ne: NATIONAL_ID } }), sort: 'name' })}`,
    );
    expect(notAda.body.data.map((r: { name: string }) => r.name)).toEqual(['Grace']);
    const byEmail = await clinician.api('GET', `${R}?${q({ filter: JSON.stringify({ email: 'ADA@example.org' }) })}`);
    expect(byEmail.body.data.map((r: { name: string }) => r.name)).toEqual(['Ada']);

    const partial = await clinician.api(
      'GET',
      `${R}?${q({ filter: JSON.stringify({ national_id: { contains: 'NI' } }) })}`,
    );
    expectProblem(partial, 400, [{ field: '/national_id/contains', code: 'operator' }]);
    expect(partial.body.errors[0].message).toContain('encrypted');
    expectProblem(
      await clinician.api('GET', `${R}?${q({ filter: JSON.stringify({ national_id: { gt: 'A' } }) })}`),
      400,
      [{ field: '/national_id/gt', code: 'operator' }],
    );
    const sorted = await clinician.api('GET', `${R}?${q({ sort: 'national_id' })}`);
    expectProblem(sorted, 400, [{ field: 'sort', code: 'notSortable' }]);
    expect(sorted.body.errors[0].message).toContain('encrypted');
    expectProblem(await clinician.api('GET', `${R}/aggregate?${q({ groupBy: 'diagnosis' })}`), 400, [
      { field: 'groupBy', code: 'notGroupable' },
    ]);
  });

  it('is unique by its blind index, and a refused write leaves nothing', async () => {
    const before = await stored();
    const twice = await clinician.api('POST', R, { name: 'Copy', national_id: NATIONAL_ID });
    expectProblem(twice, 422, [{ field: 'national_id', code: 'unique' }]);
    expect(await stored()).toBe(before);
    const bulk = await clinician.api('POST', `${R}/bulk`, {
      records: [
        { name: 'One', national_id: 'NI-1' },
        { name: 'Two', national_id: NATIONAL_ID },
      ],
    });
    expect(bulk.status, JSON.stringify(bulk.body)).toBe(422);
    expect(JSON.stringify(bulk.body)).toContain('unique');
    expect(await stored()).toBe(before);
  });

  it('exports in clear to those who may read it, and keeps field-level security', async () => {
    const csv = await clinician.api('GET', `${R}/export?${q({ fields: 'name,national_id,diagnosis' })}`);
    expect(csv.status).toBe(200);
    expect(String(csv.body)).toContain(NATIONAL_ID);
    const deskView = (await desk.api('GET', `${R}/${id}`)).body;
    expect(deskView.national_id).toBe(NATIONAL_ID);
    expect(deskView).not.toHaveProperty('diagnosis');
  });

  it('imports encrypted, and leaves its values out of the error report', async () => {
    const file = 'name,national_id,email\r\nImported,NI-IMP-1,imp@example.org\r\n,NI-IMP-2,bad-address\r\n';
    const started = await clinician.api('POST', `${R}/import`, file, { 'content-type': 'text/csv' });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const job = await waitFor(async () => {
      const res = await clinician.api('GET', `/api/v1/imports/${started.body.id}`);
      return res.body.status === 'completed' || res.body.status === 'failed' ? res.body : undefined;
    }, 'the import');
    expect(job).toMatchObject({ status: 'failed', rowsFailed: 1 });
    const report = String((await clinician.api('GET', `/api/v1/imports/${job.id}/errors.csv`)).body);
    expect(report).toContain('name');
    expect(report).not.toContain('NI-IMP-2');
    expect(report).not.toContain('bad-address');
    expect(await stored()).not.toContain('NI-IMP');
    const partial = await clinician.api('POST', `${R}/import?mode=skipBadRows`, file, { 'content-type': 'text/csv' });
    await waitFor(async () => {
      const res = await clinician.api('GET', `/api/v1/imports/${partial.body.id}`);
      return res.body.status === 'completed' ? res.body : undefined;
    }, 'the partial import');
    const found = await clinician.api('GET', `${R}?${q({ filter: JSON.stringify({ national_id: 'NI-IMP-1' }) })}`);
    expect(found.body.data).toEqual([expect.objectContaining({ name: 'Imported', email: 'imp@example.org' })]);
    const errors = JSON.stringify(await t.sql('select cells, errors from ??._import_errors', [t.schema]));
    expect(errors).not.toContain('NI-IMP-2');
  });

  it('is refused where it cannot work: a name field, global search, a formula', async () => {
    const object = (await t.api('GET', `/api/v1/meta/objects/${OBJ}`)).body;
    const bad = structuredClone(object);
    bad.fields.find((f: { apiName: string }) => f.apiName === 'notes').searchable = true;
    bad.fields.push({
      apiName: 'id_upper',
      type: 'formula',
      label: 'ID upper',
      returnType: 'text',
      expression: { upper: [{ var: 'national_id' }] },
    });
    const res = await t.api('PUT', `/api/v1/meta/objects/${OBJ}`, bad);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    const fields = (res.body.errors as { field: string; code: string }[]).map((e) => e.field);
    expect(fields).toContain('/fields/4/searchable');
    expect(fields.some((f) => f.startsWith('/fields/5/expression'))).toBe(true);
    const named = { ...structuredClone(object), nameField: 'national_id' };
    expect((await t.api('PUT', `/api/v1/meta/objects/${OBJ}`, named)).status).toBe(422);
  });
});

describe('turning encryption on or off', () => {
  it('is refused while the field holds values, names the rows, and changes nothing; an empty field turns', async () => {
    const def = {
      apiName: 'enc_toggle',
      label: 'Toggle',
      pluralLabel: 'Toggles',
      nameField: 'name',
      fields: [
        { apiName: 'name', type: 'text', label: 'Name' },
        { apiName: 'code', type: 'text', label: 'Code' },
        { apiName: 'spare', type: 'text', label: 'Spare' },
      ],
    };
    expect((await t.api('POST', '/api/v1/meta/objects', def)).status).toBe(201);
    expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
    const id = (await t.api('POST', '/api/v1/records/enc_toggle', { name: 'one', code: 'C-1' })).body.id as string;
    const encrypt = (names: string[]) => ({
      ...def,
      fields: def.fields.map((f) => (names.includes(f.apiName) ? { ...f, encrypted: true } : f)),
    });
    expect((await t.api('PUT', '/api/v1/meta/objects/enc_toggle', encrypt(['code', 'spare']))).status).toBe(200);
    const refused = await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true });
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        code: 'blocked',
        message: expect.stringContaining('1 row(s) of enc_toggle hold code'),
      }),
    ]);
    expect((await t.api('GET', `/api/v1/records/enc_toggle/${id}`)).body.code).toBe('C-1');

    // Only the empty field: it turns, and takes encrypted values from then on.
    expect((await t.api('PUT', '/api/v1/meta/objects/enc_toggle', encrypt(['spare']))).status).toBe(200);
    expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
    expect((await t.api('PATCH', `/api/v1/records/enc_toggle/${id}`, { spare: 'S-1' })).body.spare).toBe('S-1');
    const [row] = await t.sql('select code, spare from ??.enc_toggle where id = ?', [t.schema, id]);
    expect(row).toMatchObject({ code: 'C-1', spare: expect.stringMatching(/^tsr1\./) });
    // And back: refused while it holds a value.
    expect((await t.api('PUT', '/api/v1/meta/objects/enc_toggle', def)).status).toBe(200);
    expect((await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true })).status).toBe(409);
    expect((await t.api('GET', `/api/v1/records/enc_toggle/${id}`)).body.spare).toBe('S-1');
    expect((await t.api('POST', '/api/v1/meta/draft/discard')).status).toBeLessThan(300);
  });
});

describe('the read audit of a field marked auditReads', () => {
  it('records who was shown which record, when and how; not those who could not see it', async () => {
    const created = await clinician.api('POST', R, { name: 'Audited', diagnosis: 'J45.909' });
    const id = created.body.id as string;
    await clinician.api('GET', `${R}/${id}`);
    await clinician.api('GET', `${R}?${q({ filter: JSON.stringify({ name: 'Audited' }) })}`);
    await desk.api('GET', `${R}/${id}`);
    const csv = await clinician.api('GET', `${R}/export?${q({ fields: 'name,diagnosis' })}`);
    expect(String(csv.body)).toContain('J45.909');
    const audit = await t.api('GET', `/api/v1/read-audit?${q({ recordId: id })}`);
    expect(audit.status, JSON.stringify(audit.body)).toBe(200);
    const entries = audit.body.data as { userId: string; action: string; fields: string[]; object: string }[];
    expect(entries.map((e) => [e.userId, e.action])).toEqual([
      [clinician.id, 'export'],
      [clinician.id, 'list'],
      [clinician.id, 'get'],
      [clinician.id, 'write'],
    ]);
    expect(entries[0]).toMatchObject({ object: OBJ, fields: ['diagnosis'] });
    expect(entries.some((e) => e.userId === desk.id)).toBe(false);
    expectProblem(await clinician.api('GET', '/api/v1/read-audit'), 403);
    expectProblem(await t.api('GET', `/api/v1/read-audit?${q({ recordId: 'nope' })}`), 400, [
      { field: 'recordId', code: 'type' },
    ]);
  });
});
