import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

const project = (fields: unknown[], extra: Record<string, unknown> = {}) => ({
  apiName: 'project',
  label: { en: 'Project', 'zh-CN': '项目' },
  pluralLabel: 'Projects',
  nameField: 'name',
  fields: [{ apiName: 'name', type: 'text', label: 'Name', required: true }, ...fields],
  ...extra,
});

async function columns(table: string): Promise<string[]> {
  const rows = await t.sql(
    'select column_name from information_schema.columns where table_schema = ? and table_name = ? order by ordinal_position',
    [t.schema, table],
  );
  return rows.map((r) => r.column_name);
}
const releaseCount = async () => (await t.api('GET', '/api/v1/meta/releases')).body.data.length;
const fieldsOf = async (name: string) =>
  (await t.api('GET', `/api/v1/meta/objects/${name}`)).body.fields as { id: string; apiName: string }[];

describe('publish', () => {
  it('creates a custom object with five fields: draft, dry run, publish, records', async () => {
    const created = await t.api(
      'POST',
      '/api/v1/meta/objects',
      project([
        { apiName: 'budget', type: 'currency', label: 'Budget' },
        { apiName: 'starts_on', type: 'date', label: 'Starts on' },
        {
          apiName: 'status',
          type: 'picklist',
          label: 'Status',
          values: [{ value: 'planned' }, { value: 'active' }],
          default: 'planned',
        },
        { apiName: 'website', type: 'url', label: 'Website' },
      ]),
    );
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^obj_/);
    expect(created.body.fields.every((f: { id: string }) => /^fld_/.test(f.id))).toBe(true);
    // The draft is not live yet.
    expect((await t.api('GET', '/api/v1/records/project')).status).toBe(404);

    const releases = await releaseCount();
    const dry = await t.api('POST', '/api/v1/meta/publish?dryRun=true');
    expect(dry.status).toBe(200);
    expect(dry.body.dryRun).toBe(true);
    expect(dry.body.plan.map((s: { op: string }) => s.op)).toEqual(['createTable', 'addConstraint']);
    expect(dry.body.plan[0].sql.join('\n')).toContain('create table');
    expect(await columns('project')).toEqual([]);
    expect(await releaseCount()).toBe(releases);

    const published = await t.api('POST', '/api/v1/meta/publish');
    expect(published.status).toBe(201);
    expect(published.body.release).toBe(releases + 1);
    expect(await columns('project')).toEqual(
      expect.arrayContaining(['id', 'name', 'budget', 'starts_on', 'status', 'website', 'version', 'deleted_at']),
    );
    const record = await t.api('POST', '/api/v1/records/project', {
      name: 'Apollo',
      budget: 1500.5,
      starts_on: '2027-01-04',
    });
    expect(record.status).toBe(201);
    expect(record.body).toMatchObject({
      name: 'Apollo',
      budget: 1500.5,
      starts_on: '2027-01-04',
      status: 'planned',
      version: 1,
    });
    const list = await t.api('GET', '/api/v1/records/project');
    expect(list.body.data.map((r: { name: string }) => r.name)).toEqual(['Apollo']);

    const listed = await t.api('GET', '/api/v1/meta/releases');
    expect(listed.body.data[0]).toMatchObject({ n: releases + 1, kind: 'publish' });
    const release = await t.api('GET', `/api/v1/meta/releases/${releases + 1}`);
    expect(release.body.diff).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'object', apiName: 'project', change: 'added' })]),
    );
    expect(release.body.plan[0].op).toBe('createTable');
  });

  it('publishing an unchanged draft makes no release', async () => {
    const before = await releaseCount();
    const res = await t.api('POST', '/api/v1/meta/publish');
    expect(res.status).toBe(201);
    expect(res.body.plan).toEqual([]);
    expect(await releaseCount()).toBe(before);
  });

  it('names the JSON path of invalid metadata and stores nothing', async () => {
    const res = await t.api('POST', '/api/v1/meta/objects', {
      apiName: 'broken',
      label: 'B',
      pluralLabel: 'Bs',
      nameField: 'name',
      fields: [
        { apiName: 'name', type: 'text', label: 'N', maxLength: 'long' },
        { apiName: 'kind', type: 'picklist', label: 'K' },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const paths = res.body.errors.map((e: { field: string }) => e.field);
    expect(paths).toContain('/fields/0/maxLength');
    expect(paths).toContain('/fields/1');
    expect((await t.api('GET', '/api/v1/meta/objects/broken')).status).toBe(404);
  });

  it('renames a field as a column rename: the data stays', async () => {
    const fields = await fieldsOf('project');
    const renamed = fields.map((f) =>
      f.apiName === 'budget' ? { ...f, apiName: 'approved_budget', label: 'Approved budget' } : f,
    );
    const def = (await t.api('GET', '/api/v1/meta/objects/project')).body;
    expect((await t.api('PUT', '/api/v1/meta/objects/project', { ...def, fields: renamed })).status).toBe(200);
    const dry = await t.api('POST', '/api/v1/meta/publish', { dryRun: true });
    expect(dry.body.plan.map((s: { op: string; column: string }) => `${s.op} ${s.column}`)).toEqual([
      'renameColumn approved_budget',
      'renameColumn approved_budget__currency',
    ]);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    const list = await t.api('GET', '/api/v1/records/project');
    expect(list.body.data[0].approved_budget).toBe(1500.5);
    expect(list.body.data[0]).not.toHaveProperty('budget');
  });

  it('adding a nullable field to a populated table rewrites nothing', async () => {
    const file = async () =>
      (await t.sql('select relfilenode from pg_class where oid = ?::regclass', [`${t.schema}.project`]))[0].relfilenode;
    const before = await file();
    const def = (await t.api('GET', '/api/v1/meta/objects/project')).body;
    def.fields.push({ apiName: 'notes', type: 'textarea', label: 'Notes' });
    expect((await t.api('PUT', '/api/v1/meta/objects/project', def)).status).toBe(200);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    expect(await columns('project')).toContain('notes');
    expect(await file()).toBe(before);
  });

  it('refuses a lossy change with 409, then archives on confirmation and restores on request', async () => {
    const def = (await t.api('GET', '/api/v1/meta/objects/project')).body;
    const releases = await releaseCount();
    const withoutWebsite = { ...def, fields: def.fields.filter((f: { apiName: string }) => f.apiName !== 'website') };
    await t.api('PATCH', `/api/v1/records/project/${(await t.api('GET', '/api/v1/records/project')).body.data[0].id}`, {
      website: 'https://apollo.example',
    });
    expect((await t.api('PUT', '/api/v1/meta/objects/project', withoutWebsite)).status).toBe(200);

    const refused = await t.api('POST', '/api/v1/meta/publish');
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'project.website', code: 'lossy' })]);
    expect(refused.body.plan).toEqual([
      expect.objectContaining({ op: 'archiveColumn', column: 'website', lossy: true, rows: 1 }),
    ]);
    expect(refused.body.confirmable).toBe(true);
    expect(await columns('project')).toContain('website');
    expect(await releaseCount()).toBe(releases);

    const confirmed = await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true });
    expect(confirmed.status).toBe(201);
    const cols = await columns('project');
    expect(cols).not.toContain('website');
    expect(cols.some((c) => c.startsWith('_arc_'))).toBe(true);
    const record = (await t.api('GET', '/api/v1/records/project')).body.data[0];
    expect(record).not.toHaveProperty('website');

    const archive = await t.api('GET', '/api/v1/meta/archive');
    const entry = archive.body.data.find((a: { apiName: string }) => a.apiName === 'website');
    expect(entry).toMatchObject({ kind: 'field' });
    expect((await t.api('POST', `/api/v1/meta/archive/${entry.n}/restore`)).status).toBe(200);
    const restored = await t.api('POST', '/api/v1/meta/publish');
    expect(restored.status).toBe(201);
    expect(restored.body.plan.map((s: { op: string }) => s.op)).toEqual(['restoreColumn']);
    expect((await t.api('GET', `/api/v1/records/project/${record.id}`)).body.website).toBe('https://apollo.example');
  });

  it('refuses narrowing a type when values would not fit, and keeps the old values when confirmed', async () => {
    const def = (await t.api('GET', '/api/v1/meta/objects/project')).body;
    const id = (await t.api('POST', '/api/v1/records/project', { name: 'A much longer project name' })).body.id;
    const narrowed = {
      ...def,
      fields: def.fields.map((f: { apiName: string }) => (f.apiName === 'name' ? { ...f, maxLength: 10 } : f)),
    };
    expect((await t.api('PUT', '/api/v1/meta/objects/project', narrowed)).status).toBe(200);
    const refused = await t.api('POST', '/api/v1/meta/publish');
    expect(refused.status).toBe(409);
    expect(refused.body.plan).toEqual([
      expect.objectContaining({ op: 'alterColumnType', column: 'name', lossy: true, rows: 1 }),
    ]);
    expect((await t.api('GET', `/api/v1/records/project/${id}`)).body.name).toBe('A much longer project name');

    expect((await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true })).status).toBe(201);
    // Like Salesforce, a shortened text field keeps what fits; the full value stays archived.
    expect((await t.api('GET', `/api/v1/records/project/${id}`)).body.name).toBe('A much lon');
    const archived = await t.sql(
      `select column_name from information_schema.columns where table_schema = ? and table_name = 'project' and column_name like '\\_arc\\_%'`,
      [t.schema],
    );
    const kept = await Promise.all(
      archived.map((c) =>
        t.sql('select count(*)::int as n from ?? where ?? = ?', [
          `${t.schema}.project`,
          c.column_name,
          'A much longer project name',
        ]),
      ),
    );
    expect(kept.some((r) => r[0].n === 1)).toBe(true);
  });

  it('a publish that fails half-way leaves schema, metadata and releases exactly as before', async () => {
    // A table the engine does not own takes the name of a new object, so its CREATE fails
    // after an earlier step (a new column on project) has already run inside the transaction.
    await t.sql('create table ?? (x int)', [`${t.schema}.gizmo`]);
    const def = (await t.api('GET', '/api/v1/meta/objects/project')).body;
    def.fields.push({ apiName: 'phase', type: 'text', label: 'Phase' });
    expect((await t.api('PUT', '/api/v1/meta/objects/project', def)).status).toBe(200);
    expect(
      (
        await t.api('POST', '/api/v1/meta/objects', {
          apiName: 'gizmo',
          label: 'G',
          pluralLabel: 'Gs',
          nameField: 'name',
          fields: [{ apiName: 'name', type: 'text', label: 'N' }],
        })
      ).status,
    ).toBe(201);
    const before = { cols: await columns('project'), releases: await releaseCount() };

    const failed = await t.api('POST', '/api/v1/meta/publish');
    expect(failed.status).toBe(409);
    expect(failed.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(failed.body)).not.toMatch(/relation|pg_|stack/i);
    expect(await columns('project')).toEqual(before.cols);
    expect(await columns('gizmo')).toEqual(['x']);
    expect(await releaseCount()).toBe(before.releases);
    expect((await t.api('GET', '/api/v1/records/gizmo')).status).toBe(404);

    await t.sql('drop table ??', [`${t.schema}.gizmo`]);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    expect(await columns('project')).toContain('phase');
  });

  it('rolls back to an earlier release, and forward again with the data intact', async () => {
    const releases = (await t.api('GET', '/api/v1/meta/releases')).body.data;
    const latest = releases[0].n;
    const apolloBefore = (await t.api('GET', '/api/v1/records/project?filter={"name":{"eq":"Apollo"}}')).body.data[0];
    // release 1 is the core pack alone, from before project existed
    const firstRelease = releases[releases.length - 1].n;
    expect(firstRelease).toBe(1);
    const refused = await t.api('POST', `/api/v1/meta/releases/${firstRelease}/rollback`);
    expect(refused.status).toBe(409);
    expect(refused.body.plan.some((s: { op: string }) => s.op === 'archiveTable')).toBe(true);

    const back = await t.api('POST', `/api/v1/meta/releases/${firstRelease}/rollback`, { confirmLossy: true });
    expect(back.status).toBe(201);
    expect((await t.api('GET', '/api/v1/records/project')).status).toBe(404);
    expect((await t.api('GET', '/api/v1/meta/objects/project')).status).toBe(404);
    expect((await t.api('GET', '/api/v1/meta/releases')).body.data[0]).toMatchObject({
      kind: 'rollback',
      sourceRelease: firstRelease,
    });

    const forward = await t.api('POST', `/api/v1/meta/releases/${latest}/rollback`);
    expect(forward.status).toBe(201);
    expect(forward.body.plan.map((s: { op: string }) => s.op)).toContain('restoreTable');
    const apollo = (await t.api('GET', `/api/v1/records/project/${apolloBefore.id}`)).body;
    expect(apollo).toMatchObject({ name: 'Apollo', approved_budget: 1500.5, website: 'https://apollo.example' });
  });

  it('answers 404 for an unknown release and 400 for a malformed number', async () => {
    expect((await t.api('POST', '/api/v1/meta/releases/9999/rollback')).status).toBe(404);
    expect((await t.api('POST', '/api/v1/meta/releases/abc/rollback')).status).toBe(400);
  });
});
