import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, publish, type TestUser } from './support/security.js';
import { startTestEngine, type ApiResponse, type TestEngine } from './support/test-engine.js';

/**
 * Owner indexes of private objects (schema/list-indexes.ts): publishing a list view builds an
 * (owner_id, <sort>, id) index, a new sort replaces it, a rename keeps it, removing the view
 * drops it; the rep's list answers exactly the records they may see, before and after, and its
 * owner branch reads the index down to the page instead of sorting everything the rep owns.
 */

const OBJ = 'lix_deal';
const R = `/api/v1/records/${OBJ}`;
let t: TestEngine;
let rep: TestUser;
let other: TestUser;
let shared: string;

/** Index definitions on the object's table, by name: "(owner_id, amount, id)". */
async function indexes(): Promise<Map<string, string>> {
  const rows = await t.sql<{ indexname: string; indexdef: string }>(
    'select indexname, indexdef from pg_indexes where schemaname = ? and tablename = ?',
    [t.schema, OBJ],
  );
  return new Map(rows.map((r) => [r.indexname, r.indexdef.slice(r.indexdef.indexOf('('))]));
}
const columnsOf = async () => [...(await indexes()).values()].filter((d) => d.startsWith('(owner_id')).sort();

/** Every page of the rep's list, ids in order, following nextCursor. */
async function repList(sort: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res: ApiResponse = await rep.api('GET', `${R}?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ids.push(...res.body.data.map((r: { id: string }) => r.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  return ids;
}

/**
 * What the rep may see (own records and the one shared with them), in the order of `-amount` (nulls first, id breaking
 * ties).
 */
async function expected(): Promise<string[]> {
  const rows = await t.sql<{ id: string }>(
    `select id from ?? where deleted_at is null and (owner_id = ? or id = ?) order by amount desc, id desc`,
    [`${t.schema}.${OBJ}`, rep.id, shared],
  );
  return rows.map((r) => r.id);
}

async function saveView(sort: string | undefined, method: 'POST' | 'PUT' = 'PUT') {
  const view = {
    apiName: 'lix_pipeline',
    object: OBJ,
    label: 'Pipeline',
    columns: ['name', 'amount'],
    ...(sort ? { sort } : {}),
  };
  const res =
    method === 'POST'
      ? await t.api('POST', '/api/v1/meta/list-views', view)
      : await t.api('PUT', '/api/v1/meta/list-views/lix_pipeline', view);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  const published = await t.api('POST', '/api/v1/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(201);
  return published.body.plan as { op: string; description: string }[];
}

beforeAll(async () => {
  t = await startTestEngine();
  await publish(t, {
    objects: [
      {
        apiName: OBJ,
        label: 'Deal',
        pluralLabel: 'Deals',
        nameField: 'name',
        sharing: { default: 'private' },
        fields: [
          { apiName: 'name', type: 'text', label: 'Name', required: true },
          { apiName: 'amount', type: 'number', label: 'Amount' },
          { apiName: 'close_date', type: 'date', label: 'Close date' },
        ],
      },
    ],
    permissionSets: [
      { apiName: 'lix_rw', label: 'RW', objects: { [OBJ]: { read: true, create: true, edit: true, delete: true } } },
    ],
  });
  [rep, other] = await Promise.all([
    createUser(t, { name: 'Rep', permissionSets: ['lix_rw'] }),
    createUser(t, { name: 'Other', permissionSets: ['lix_rw'] }),
  ]);
  // Ties and a missing amount, so the order and the cursor meet both.
  for (const [who, amounts] of [
    [rep, [500, 500, null, 100, 900]],
    [other, [700, 500, null, 50]],
  ] as const) {
    for (const [i, amount] of amounts.entries()) {
      const res = await who.api('POST', R, { name: `deal ${i}`, amount, close_date: `2026-0${i + 1}-15` });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
  }
  shared = (
    await t.sql<{ id: string }>('select id from ?? where owner_id = ? and amount = 700', [
      `${t.schema}.${OBJ}`,
      other.id,
    ])
  )[0]!.id;
  expect((await other.api('POST', `${R}/${shared}/shares`, { userId: rep.id, access: 'read' })).status).toBe(201);
}, 60_000);

afterAll(() => t?.close());

describe('owner indexes of a private object', () => {
  it('has (owner_id, id) without any view, for lists in the default order', async () => {
    expect(await columnsOf()).toEqual(['(owner_id, id)']);
  });

  it('builds (owner_id, amount, id) when a view sorted by -amount is published, and the rep lists the same records', async () => {
    const before = await repList('-amount');
    expect(before).toEqual(await expected());
    expect(before).toHaveLength(6);

    const plan = await saveView('-amount', 'POST');
    expect(plan.map((p) => p.op)).toEqual(['addConstraint']);
    expect(plan[0]!.description).toMatch(/^add index tsr_\w+_ix on lix_deal \(owner_id, amount, id\)$/);
    expect(await columnsOf()).toEqual(['(owner_id, amount, id)', '(owner_id, id)']);
    expect(await repList('-amount')).toEqual(before);
    expect(await repList('amount')).toEqual([...before].reverse());
  });

  it('replaces the index when the sort changes, keeps it through a field rename, drops it with the view', async () => {
    await saveView('close_date,-amount');
    expect(await columnsOf()).toEqual(['(owner_id, close_date, amount DESC, id)', '(owner_id, id)']);
    const named = await indexes();

    const def = (await t.api('GET', `/api/v1/meta/objects/${OBJ}`)).body;
    def.fields = def.fields.map((f: { apiName: string }) => (f.apiName === 'amount' ? { ...f, apiName: 'value' } : f));
    expect((await t.api('PUT', `/api/v1/meta/objects/${OBJ}`, def)).status).toBe(200);
    const renamed = await t.api('POST', '/api/v1/meta/publish');
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(201);
    expect(renamed.body.plan.map((p: { op: string }) => p.op)).toEqual(['renameColumn']);
    expect([...(await indexes()).keys()].sort()).toEqual([...named.keys()].sort());
    expect(await columnsOf()).toEqual(['(owner_id, close_date, value DESC, id)', '(owner_id, id)']);

    expect((await t.api('DELETE', '/api/v1/meta/list-views/lix_pipeline')).status).toBeLessThan(300);
    const dropped = await t.api('POST', '/api/v1/meta/publish');
    expect(dropped.status, JSON.stringify(dropped.body)).toBe(201);
    expect(dropped.body.plan.map((p: { op: string }) => p.op)).toEqual(['dropConstraint']);
    expect(await columnsOf()).toEqual(['(owner_id, id)']);

    def.fields = def.fields.map((f: { apiName: string }) => (f.apiName === 'value' ? { ...f, apiName: 'amount' } : f));
    expect((await t.api('PUT', `/api/v1/meta/objects/${OBJ}`, def)).status).toBe(200);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
  });

  it("reads the rep's page down the index, the limit inside the owner branch", async () => {
    await saveView('-amount', 'POST');
    const table = `${t.schema}.${OBJ}`;
    // 20,000 deals of someone else and 200 of the rep's: a branch that sorted all of the rep's would read 200 rows.
    await t.sql(
      `insert into ?? (id, owner_id, name, amount) select gen_random_uuid(), ?, 'bulk ' || g, g % 1000 from generate_series(1, 20000) g`,
      [table, other.id],
    );
    await t.sql(
      `insert into ?? (id, owner_id, name, amount) select gen_random_uuid(), ?, 'mine ' || g, g from generate_series(1, 200) g`,
      [table, rep.id],
    );
    await t.sql('analyze ??', [table]);
    const index = [...(await indexes())].find(([, d]) => d === '(owner_id, amount, id)')![0];

    const statements: { sql: string; bindings: unknown[] }[] = [];
    const onQuery = (q: { sql: string; bindings?: unknown[] }) =>
      statements.push({ sql: q.sql, bindings: q.bindings ?? [] });
    t.engine.db.knex.on('query', onQuery);
    const page = await rep.api('GET', `${R}?sort=-amount&limit=10`);
    t.engine.db.knex.off('query', onQuery);
    expect(page.status).toBe(200);
    expect(page.body.data.map((r: { id: string }) => r.id)).toEqual((await expected()).slice(0, 10));

    const list = statements.find((s) => s.sql.includes(`"${OBJ}"`))!;
    const [
      {
        'QUERY PLAN': [explained],
      },
    ] = await t.sql(`explain (analyze, format json) ${list.sql.replace(/\$\d+/g, '?')}`, list.bindings);
    type PlanNode = { 'Node Type': string; 'Index Name'?: string; 'Actual Rows': number; Plans?: PlanNode[] };
    const path = (node: PlanNode, trail: PlanNode[] = []): PlanNode[] | undefined =>
      node['Index Name'] === index
        ? [...trail, node]
        : node.Plans?.reduce<PlanNode[] | undefined>(
            (found, child) => found ?? path(child, [...trail, node]),
            undefined,
          );
    const found = path(explained.Plan);
    expect(found, JSON.stringify(explained.Plan)).toBeDefined();
    const scan = found!.at(-1)!;
    // An ordered scan stopped by the branch's own LIMIT: the page and one row more, not the rep's 200.
    expect(scan['Node Type']).toBe('Index Scan');
    expect(found!.at(-2)!['Node Type']).toBe('Limit');
    expect(scan['Actual Rows']).toBe(11);
  });
});
