import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IndexReport } from '../src/records/index-report.js';
import { IndexUsage } from '../src/records/index-usage.js';
import type { Tenant } from '../src/tenants/tenant.js';
import { createUser, publish } from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * Indexes that follow use (records/index-advisor.ts): a sort users keep running gets an index,
 * a published list view's filter and sort get one without waiting, what an index of the schema
 * serves or no btree should hold gets none, the indexes per object are capped (views first),
 * one unused for 30 days is dropped, a rename keeps its index and a removed field takes it
 * along. The advisor is run by hand here (advise()), as its timer would every minute.
 */

const OBJ = 'uix_account';
const R = `/api/v1/records/${OBJ}`;
let t: TestEngine;
let tenant: Tenant;

const report = async (object = OBJ): Promise<IndexReport> => {
  const res = await t.api('GET', `/api/v1/meta/objects/${object}/indexes`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as IndexReport;
};
/** The report's shape whose keys read like "industry=,founded-,id-". */
const shape = (r: IndexReport, text: string) =>
  r.shapes.find((s) => s.columns.map((c) => `${c.field}${c.equal ? '=' : c.desc ? '-' : ''}`).join(',') === text);

/** Index definitions on a table, by name: "(revenue, id)". */
async function indexes(table = OBJ): Promise<Map<string, string>> {
  const rows = await t.sql<{ indexname: string; indexdef: string }>(
    'select indexname, indexdef from pg_indexes where schemaname = ? and tablename = ?',
    [t.schema, table],
  );
  return new Map(rows.map((r) => [r.indexname, r.indexdef.slice(r.indexdef.indexOf('('))]));
}

/** Every page of a sorted list, ids in order. */
async function listIds(sort: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await t.api('GET', `${R}?sort=${sort}&limit=50${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ids.push(...res.body.data.map((r: { id: string }) => r.id));
    cursor = res.body.nextCursor as string | null;
  } while (cursor);
  return ids;
}

async function sortTimes(sort: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) expect((await t.api('GET', `${R}?sort=${sort}&limit=5`)).status).toBe(200);
}

async function editObject(change: (def: { fields: { apiName: string }[] }) => void, confirmLossy = false) {
  const def = (await t.api('GET', `/api/v1/meta/objects/${OBJ}`)).body;
  change(def);
  const saved = await t.api('PUT', `/api/v1/meta/objects/${OBJ}`, def);
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  const published = await t.api('POST', '/api/v1/meta/publish', confirmLossy ? { confirmLossy: true } : {});
  expect(published.status, JSON.stringify(published.body)).toBe(201);
}

beforeAll(async () => {
  t = await startTestEngine({ indexes: { intervalMs: 0, minRows: 100, perObject: 3 } });
  tenant = (await t.engine.tenants.find('default'))!;
  await publish(t, {
    objects: [
      {
        apiName: OBJ,
        label: 'Account',
        pluralLabel: 'Accounts',
        nameField: 'name',
        fields: [
          // Searchable: a trigram index, which keeps no order, is on it (a sort by name still wants one).
          { apiName: 'name', type: 'text', label: 'Name', required: true, searchable: true },
          { apiName: 'code', type: 'text', label: 'Code', unique: true },
          {
            apiName: 'industry',
            type: 'picklist',
            label: 'Industry',
            values: [{ value: 'tech' }, { value: 'retail' }],
          },
          { apiName: 'revenue', type: 'currency', label: 'Revenue' },
          { apiName: 'score', type: 'integer', label: 'Score' },
          { apiName: 'founded', type: 'date', label: 'Founded' },
          { apiName: 'motto', type: 'text', label: 'Motto', maxLength: 2000 },
          { apiName: 'parent', type: 'lookup', label: 'Parent', target: OBJ },
        ],
      },
      {
        apiName: 'uix_small',
        label: 'Small',
        pluralLabel: 'Smalls',
        nameField: 'name',
        fields: [
          { apiName: 'name', type: 'text', label: 'Name', required: true },
          { apiName: 'size', type: 'integer', label: 'Size' },
        ],
      },
    ],
  });
  const records = Array.from({ length: 240 }, (_, i) => ({
    name: `Account ${i}`,
    code: `C${i}`,
    industry: i % 3 ? 'retail' : 'tech',
    // Ties and gaps, so the order and the cursor meet both.
    revenue: i % 7 === 0 ? null : (i * 37) % 1000,
    score: i % 10,
    founded: `20${String(10 + (i % 15)).padStart(2, '0')}-0${1 + (i % 9)}-15`,
    motto: `motto ${i}`,
  }));
  for (let i = 0; i < records.length; i += 120) {
    const res = await t.api('POST', `${R}/bulk`, { records: records.slice(i, i + 120) });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  }
  for (const name of ['small one', 'small two'])
    expect((await t.api('POST', '/api/v1/records/uix_small', { name, size: name.length })).status).toBe(201);
  // What autovacuum would do on PostgreSQL (PGlite runs none): the planner's row estimates.
  await t.sql(`analyze ${t.schema}.${OBJ}`);
  await t.sql(`analyze ${t.schema}.uix_small`);
});

afterAll(() => t?.close());

describe('indexes that follow use', () => {
  it('builds an index for a sort users keep running, and the list answers the same', async () => {
    await sortTimes('-revenue', 2);
    expect((await tenant.indexes.advise()).built).toEqual([]);
    expect(shape(await report(), 'revenue,id')).toMatchObject({ source: 'usage', state: 'waiting', requests: 2 });

    // The reverse order is the same shape: one index serves both directions.
    await sortTimes('revenue', 1);
    const { built } = await tenant.indexes.advise();
    expect(built).toHaveLength(1);
    expect((await indexes()).get(built[0]!)).toBe('(revenue, id)');
    const expected = await t.sql<{ id: string }>(
      `select id from ${t.schema}.${OBJ} where deleted_at is null order by revenue desc, id desc`,
    );
    expect(await listIds('-revenue')).toEqual(expected.map((r) => r.id));

    const r = await report();
    expect(shape(r, 'revenue,id')).toMatchObject({ state: 'indexed', index: built[0] });
    expect(r.data.find((i) => i.name === built[0])).toMatchObject({
      origin: 'usage',
      valid: true,
      columns: [
        { field: 'revenue', desc: false },
        { field: 'id', desc: false },
      ],
    });
    expect(r.data.find((i) => i.name === built[0])!.sizeBytes).toBeGreaterThan(0);
    expect(r.data.find((i) => i.origin === 'primary')?.columns).toEqual([{ field: 'id', desc: false }]);
    // Built once: the next run leaves it be.
    expect(await tenant.indexes.advise()).toEqual({ built: [], dropped: [] });
  });

  it("gives a published list view's filter and sort an index without waiting for requests", async () => {
    const view = {
      apiName: 'uix_tech',
      object: OBJ,
      label: 'Tech accounts',
      columns: ['name', 'founded'],
      filter: { industry: 'tech' },
      sort: '-founded',
    };
    expect((await t.api('POST', '/api/v1/meta/list-views', view)).status).toBe(201);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    const { built } = await tenant.indexes.advise();
    expect(built).toHaveLength(1);
    expect((await indexes()).get(built[0]!)).toBe('(industry, founded, id)');
    expect(shape(await report(), 'industry=,founded,id')).toMatchObject({ source: 'view', state: 'indexed' });
  });

  it('leaves alone what an index of the schema serves, lookups, long text and small tables', async () => {
    await sortTimes('code', 3);
    await sortTimes('-motto', 3);
    await sortTimes('parent.name', 3);
    for (let i = 0; i < 3; i++) expect((await t.api('GET', '/api/v1/records/uix_small?sort=size')).status).toBe(200);
    const before = await indexes();
    expect((await tenant.indexes.advise()).built).toEqual([]);
    expect(await indexes()).toEqual(before);

    const r = await report();
    const unique = r.data.find((i) => i.origin === 'unique' && i.columns[0]?.field === 'code');
    expect(shape(r, 'code,id')).toMatchObject({ state: 'served', index: unique?.name });
    expect(shape(r, 'motto,id')).toMatchObject({ state: 'unindexable' });
    // A sort through a lookup reads another table's column: no shape of this one.
    expect(r.shapes.every((s) => s.columns[0]?.field !== 'parent')).toBe(true);
    const small = await report('uix_small');
    expect(small.rows).toBeLessThan(100);
    expect(shape(small, 'size,id')).toMatchObject({ state: 'small', requests: 3 });
  });

  it('caps the indexes of an object, list views first, then the most requested', async () => {
    await sortTimes('-score', 4);
    await sortTimes('name', 3);
    const { built } = await tenant.indexes.advise();
    // The view, revenue (8 requests), score (4): name (3) is fourth.
    expect(built).toHaveLength(1);
    const r = await report();
    expect(shape(r, 'score,id')).toMatchObject({ state: 'indexed' });
    expect(shape(r, 'name,id')).toMatchObject({ state: 'capped' });
    expect(r.data.filter((i) => i.origin === 'usage' || i.origin === 'view')).toHaveLength(3);
  });

  it('drops an index nobody has used for 30 days, and the next shape takes its place', async () => {
    const revenue = shape(await report(), 'revenue,id')!.index!;
    const longAgo = new Date(Date.now() - 31 * 86_400_000);
    const [{ shape: text }] = await t.sql(`select shape from ${t.schema}._usage_indexes where name = ?`, [revenue]);
    await t.sql(`update ${t.schema}._index_usage set last_seen = ? where shape = ?`, [longAgo, text]);
    // Its scans so far already counted: only a new scan would count as use.
    await t.sql(`update ${t.schema}._usage_indexes set last_used = ?, scans = 1000000 where name = ?`, [
      longAgo,
      revenue,
    ]);
    const { built, dropped } = await tenant.indexes.advise();
    expect(dropped).toEqual([revenue]);
    expect((await indexes()).has(revenue)).toBe(false);
    expect(built).toHaveLength(1);
    const r = await report();
    expect(shape(r, 'revenue,id')).toMatchObject({ state: 'waiting' });
    expect(shape(r, 'name,id')).toMatchObject({ state: 'indexed', index: built[0] });
  });

  it('keeps an index across a field rename; a removed field takes its index along', async () => {
    const score = shape(await report(), 'score,id')!.index!;
    await editObject((def) => {
      const field = def.fields.find((f) => f.apiName === 'score')!;
      field.apiName = 'rating';
    });
    expect(await tenant.indexes.advise()).toEqual({ built: [], dropped: [] });
    expect((await indexes()).get(score)).toBe('(rating, id)');
    expect(shape(await report(), 'rating,id')).toMatchObject({ state: 'indexed', index: score });

    await editObject((def) => {
      def.fields = def.fields.filter((f) => f.apiName !== 'rating');
    }, true);
    const { dropped } = await tenant.indexes.advise();
    expect(dropped).toEqual([score]);
    expect((await indexes()).has(score)).toBe(false);
    expect((await report()).shapes.some((s) => s.columns.some((c) => c.field === '(removed field)'))).toBe(true);
  });

  it('adds up the counts of every engine process, and one engine advises at a time', async () => {
    const object = tenant.metadata.compiled.objects.get(OBJ)!;
    const shapeOfFounded = { keys: [{ field: 'created_at' }, { field: 'id' }], equal: 0, text: 'created_at,id' };
    const other = new IndexUsage(t.engine.db.knex, t.schema);
    tenant.indexes.usage.saw(object, shapeOfFounded);
    other.saw(object, shapeOfFounded);
    other.saw(object, shapeOfFounded);
    await other.flush();
    // Another engine holds the lease: this one builds nothing.
    await t.sql(`update ${t.schema}._index_advisor set lease_until = now() + interval '1 minute'`);
    expect(await tenant.indexes.advise()).toEqual({ built: [], dropped: [] });
    expect(shape(await report(), 'created_at,id')).toMatchObject({ requests: 3, state: 'building' });
    // Its lease runs out (or it finishes): the next run builds.
    await t.sql(`update ${t.schema}._index_advisor set lease_until = now() - interval '1 second'`);
    const { built } = await tenant.indexes.advise();
    expect(built).toHaveLength(1);
    expect((await indexes()).get(built[0]!)).toBe('(created_at, id)');
  });

  it('shows the indexes to those who manage metadata only', async () => {
    const user = await createUser(t, { name: 'Reader' });
    const res = await user.api('GET', `/api/v1/meta/objects/${OBJ}/indexes`);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const missing = await t.api('GET', '/api/v1/meta/objects/no_such_object/indexes');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });

  it('runs on its own in an engine started with the default settings', async () => {
    const plain = await startTestEngine();
    try {
      const opened = (await plain.engine.tenants.find('default'))!;
      expect(opened.indexes.options).toMatchObject({
        intervalMs: 60_000,
        minRows: 10_000,
        perObject: 8,
        unusedDays: 30,
      });
    } finally {
      await plain.close();
    }
  });
});
