import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentColumn } from '../src/schema/ddl.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * A lossy type change (confirmed) archives the old column and adds a new one. The unique, lookup
 * and search indexes of that field must end up on the new column, not stay behind on the archived
 * one: a unique field that no longer refuses duplicates would let bad data in silently.
 */

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

type Def = { fields: { apiName: string; [k: string]: unknown }[]; [k: string]: unknown };

/** The indexes and constraints named tsr_… on a table, with the column each one's first key is on. */
async function indexesOf(table: string): Promise<{ name: string; column: string; unique: boolean; method: string }[]> {
  return t.sql(
    `
    select i.relname as name, a.attname as column, x.indisunique as unique, am.amname as method
    from pg_index x
    join pg_class i on i.oid = x.indexrelid
    join pg_class c on c.oid = x.indrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_am am on am.oid = i.relam
    join pg_attribute a on a.attrelid = c.oid and a.attnum = x.indkey[0]
    where n.nspname = ? and c.relname = ? and i.relname like 'tsr\\_%'
    order by 1`,
    [t.schema, table],
  );
}
async function foreignKeysOf(table: string): Promise<{ name: string; column: string }[]> {
  return t.sql(
    `
    select con.conname as name, a.attname as column
    from pg_constraint con
    join pg_class c on c.oid = con.conrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum = con.conkey[1]
    where n.nspname = ? and c.relname = ? and con.contype = 'f'`,
    [t.schema, table],
  );
}

async function changeFields(object: string, change: (f: Def['fields'][number]) => Def['fields'][number]) {
  const def = (await t.api('GET', `/api/v1/meta/objects/${object}`)).body as Def;
  const res = await t.api('PUT', `/api/v1/meta/objects/${object}`, { ...def, fields: def.fields.map(change) });
  expect(res.status).toBe(200);
}

describe('indexes after a lossy column type change', () => {
  let parentId: string;

  it('publishes an object with a unique field, a searchable field and a lookup', async () => {
    expect(
      (
        await t.api('POST', '/api/v1/meta/objects', {
          apiName: 'tci_parent',
          label: 'Parent',
          pluralLabel: 'Parents',
          nameField: 'name',
          fields: [{ apiName: 'name', type: 'text', label: 'Name' }],
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await t.api('POST', '/api/v1/meta/objects', {
          apiName: 'tci_item',
          label: 'Item',
          pluralLabel: 'Items',
          nameField: 'name',
          fields: [
            { apiName: 'name', type: 'text', label: 'Name' },
            { apiName: 'code', type: 'text', label: 'Code', unique: true, maxLength: 40 },
            { apiName: 'title', type: 'text', label: 'Title', searchable: true, maxLength: 80 },
            { apiName: 'parent', type: 'lookup', label: 'Parent', target: 'tci_parent' },
            { apiName: 'ref', type: 'text', label: 'Reference', unique: true },
          ],
        })
      ).status,
    ).toBe(201);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    parentId = (await t.api('POST', '/api/v1/records/tci_parent', { name: 'P' })).body.id;
    const first = await t.api('POST', '/api/v1/records/tci_item', {
      name: 'first',
      code: 'A-CODE-THAT-IS-LONGER-THAN-TEN',
      title: 'A title longer than twenty characters',
      parent: parentId,
      ref: '12',
    });
    expect(first.status).toBe(201);
    const on = await indexesOf('tci_item');
    expect(on).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ column: 'code', unique: true }),
        expect.objectContaining({ column: 'title', method: 'gin' }),
        expect.objectContaining({ column: 'parent', unique: false }),
      ]),
    );
  });

  it('narrowing a unique and a searchable text field lossily keeps their indexes on the new columns', async () => {
    await changeFields('tci_item', (f) =>
      f.apiName === 'code' ? { ...f, maxLength: 10 } : f.apiName === 'title' ? { ...f, maxLength: 20 } : f,
    );
    const refused = await t.api('POST', '/api/v1/meta/publish');
    expect(refused.status).toBe(409);
    expect(refused.body.plan).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ op: 'alterColumnType', column: 'code', lossy: true, rows: 1 }),
        expect.objectContaining({ op: 'alterColumnType', column: 'title', lossy: true, rows: 1 }),
      ]),
    );
    const confirmed = await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true });
    expect(confirmed.status).toBe(201);

    // The first record's code was cut to 10 characters; the same code again is refused.
    const first = (await t.api('GET', '/api/v1/records/tci_item?filter={"name":{"eq":"first"}}')).body.data[0];
    expect(first.code).toBe('A-CODE-THA');
    const dup = await t.api('POST', '/api/v1/records/tci_item', { name: 'second', code: 'A-CODE-THA' });
    expect(dup.status).toBe(422);
    expect(dup.headers.get('content-type')).toContain('application/problem+json');
    expect(dup.body.errors).toEqual([expect.objectContaining({ field: 'code', code: 'unique' })]);
    expect((await t.api('GET', '/api/v1/records/tci_item?filter={"name":{"eq":"second"}}')).body.data).toEqual([]);

    const indexes = await indexesOf('tci_item');
    // Nothing is left on an archived column, and the live columns have theirs.
    expect(indexes.filter((i) => i.column.startsWith('_arc_'))).toEqual([]);
    expect(indexes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ column: 'code', unique: true }),
        expect.objectContaining({ column: 'title', method: 'gin' }),
        expect.objectContaining({ column: 'parent', unique: false }),
      ]),
    );
    expect(await foreignKeysOf('tci_item')).toEqual([expect.objectContaining({ column: 'parent' })]);

    // Search still finds the record by its shortened title, through the index on the new column.
    const found = await t.api('GET', '/api/v1/search?q=title%20longer');
    expect(found.status).toBe(200);
    expect(JSON.stringify(found.body)).toContain(first.id);
  });

  it('converting a unique text field to an integer keeps it unique', async () => {
    // '12' converts, 'x' does not: the change is lossy.
    expect((await t.api('POST', '/api/v1/records/tci_item', { name: 'x', ref: 'x' })).status).toBe(201);
    await changeFields('tci_item', (f) =>
      f.apiName === 'ref' ? { apiName: 'ref', id: f.id, type: 'integer', label: 'Reference', unique: true } : f,
    );
    const refused = await t.api('POST', '/api/v1/meta/publish');
    expect(refused.status).toBe(409);
    expect(refused.body.plan).toEqual(
      expect.arrayContaining([expect.objectContaining({ op: 'alterColumnType', column: 'ref', lossy: true, rows: 1 })]),
    );
    expect((await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true })).status).toBe(201);

    const dup = await t.api('POST', '/api/v1/records/tci_item', { name: 'third', ref: 12 });
    expect(dup.status).toBe(422);
    expect(dup.headers.get('content-type')).toContain('application/problem+json');
    expect(dup.body.errors).toEqual([expect.objectContaining({ field: 'ref', code: 'unique' })]);
    const indexes = await indexesOf('tci_item');
    expect(indexes.filter((i) => i.column.startsWith('_arc_'))).toEqual([]);
    expect(indexes).toEqual(expect.arrayContaining([expect.objectContaining({ column: 'ref', unique: true })]));
  });

  it('the next publish moves a unique index an earlier lossy change left on the archived column', async () => {
    const def = (await t.api('GET', '/api/v1/meta/objects/tci_item')).body as Def;
    def.fields.push({ apiName: 'serial', type: 'integer', label: 'Serial', unique: true });
    expect((await t.api('PUT', '/api/v1/meta/objects/tci_item', def)).status).toBe(200);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    expect((await t.api('POST', '/api/v1/records/tci_item', { name: 'fifth', serial: 7 })).status).toBe(201);
    // By hand, what apply.ts did before the planner rebuilt indexes: archive, add, copy.
    const table = `${t.schema}.tci_item`;
    const [{ tag }] = await t.sql(
      `select col_description(?::regclass, attnum) as tag from pg_attribute where attrelid = ?::regclass and attname = 'serial'`,
      [table, table],
    );
    const live = JSON.parse(tag.slice('tessera:'.length));
    await t.sql('alter table ?? rename column serial to _arc_old_serial', [table]);
    const comment = (column: string, text: string) => {
      const c = commentColumn(t.schema, 'tci_item', column, text);
      return t.sql(c.sql, c.bindings);
    };
    await comment('_arc_old_serial', `tessera:${JSON.stringify({ ...live, archived: true, was: 'serial' })}`);
    await t.sql('alter table ?? add column serial integer', [table]);
    await comment('serial', tag);
    await t.sql('update ?? set serial = _arc_old_serial', [table]);
    expect((await indexesOf('tci_item')).filter((i) => i.unique && i.column === '_arc_old_serial')).toHaveLength(1);

    const healed = await t.api('POST', '/api/v1/meta/publish');
    expect(healed.status).toBe(201);
    expect(healed.body.plan.map((s: { op: string }) => s.op)).toEqual(['dropConstraint', 'addConstraint']);
    const indexes = await indexesOf('tci_item');
    expect(indexes.filter((i) => i.column.startsWith('_arc_'))).toEqual([]);
    expect(indexes).toEqual(expect.arrayContaining([expect.objectContaining({ column: 'serial', unique: true })]));
    const dup = await t.api('POST', '/api/v1/records/tci_item', { name: 'sixth', serial: 7 });
    expect(dup.status).toBe(422);
    expect(dup.body.errors).toEqual([expect.objectContaining({ field: 'serial', code: 'unique' })]);
    // And once healed, publishing again changes nothing.
    expect((await t.api('POST', '/api/v1/meta/publish')).body.plan).toEqual([]);
  });
});
