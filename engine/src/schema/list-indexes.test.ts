import { describe, expect, it } from 'vitest';
import type { Catalog } from './catalog.js';
import { desiredSchema, type DesiredConstraint } from './desired.js';
import { addConstraint } from './ddl.js';
import { MAX_LIST_INDEXES } from './list-indexes.js';
import { planSchema, type Step } from './plan.js';
import type { FieldDef, ListViewDef, MetadataSnapshot, ObjectDef } from '../metadata/types.js';

const fields: FieldDef[] = [
  { id: 'f_name', apiName: 'name', type: 'text', label: 'Name' },
  { id: 'f_amount', apiName: 'amount', type: 'currency', label: 'Amount' },
  { id: 'f_close', apiName: 'close_date', type: 'date', label: 'Close' },
  { id: 'f_stage', apiName: 'stage', type: 'picklist', label: 'Stage', values: [{ value: 'open' }, { value: 'won' }] },
  { id: 'f_notes', apiName: 'notes', type: 'textarea', label: 'Notes' },
  { id: 'f_site', apiName: 'site', type: 'url', label: 'Site' },
  { id: 'f_acc', apiName: 'account', type: 'lookup', label: 'Account', target: 'account' },
  {
    id: 'f_big',
    apiName: 'big',
    type: 'formula',
    label: 'Big',
    returnType: 'boolean',
    expression: { '>': [{ var: 'amount' }, 1000] },
  },
  {
    id: 'f_tier',
    apiName: 'tier',
    type: 'formula',
    label: 'Tier',
    returnType: 'text',
    expression: { if: [{ '>': [{ var: 'amount' }, 1000] }, 'A', 'B'] },
  },
];
const account: ObjectDef = {
  id: 'obj_acc',
  apiName: 'account',
  label: 'A',
  pluralLabel: 'As',
  nameField: 'name',
  fields: [{ id: 'f_acc_name', apiName: 'name', type: 'text', label: 'Name' }],
  sharing: { default: 'read' },
};
const deal = (over: Partial<ObjectDef> = {}): ObjectDef => ({
  id: 'obj_deal',
  apiName: 'deal',
  label: 'Deal',
  pluralLabel: 'Deals',
  nameField: 'name',
  fields,
  sharing: { default: 'private' },
  ...over,
});
const view = (apiName: string, sort: string | undefined, over: Partial<ListViewDef> = {}): ListViewDef => ({
  id: `lv_${apiName}`,
  apiName,
  object: 'deal',
  label: apiName,
  columns: ['name'],
  ...(sort === undefined ? {} : { sort }),
  ...over,
});
const snap = (obj: ObjectDef, listViews: ListViewDef[]): MetadataSnapshot => ({
  objects: [account, obj],
  layouts: [],
  listViews,
});

/** The owner indexes desired for deal, as (columns) text. */
function ownerIndexes(s: MetadataSnapshot): { name: string; on: string }[] {
  const table = desiredSchema(s).find((t) => t.objectId === 'obj_deal')!;
  return table.constraints
    .filter((c) => c.column === 'owner_id')
    .map((c: DesiredConstraint) => ({
      name: c.name,
      on: (c.keys ?? [{ column: c.column }]).map((k) => k.column + (k.desc ? ' desc' : '')).join(', '),
    }));
}
const on = (s: MetadataSnapshot) => ownerIndexes(s).map((i) => i.on);

/** The catalog that applying `s` leaves behind (constraints by name, as catalog.ts reads them). */
function catalogOf(s: MetadataSnapshot): Catalog {
  return {
    sequences: new Set(),
    tables: desiredSchema(s).map((t) => ({
      name: t.name,
      objectId: t.objectId,
      archived: false,
      columns: t.columns.map((c) => ({
        name: c.name,
        sqlType: c.sqlType,
        fieldId: c.fieldId,
        part: c.part,
        archived: false,
        generatedHash: c.generated?.hash,
      })),
      constraints: new Map(t.constraints.map((c) => [c.name, c.column])),
    })),
  };
}
const indexSteps = (steps: Step[]) => steps.filter((s) => s.op === 'addConstraint' || s.op === 'dropConstraint');

describe('owner indexes for private lists (pure)', () => {
  it('gives a private object (owner_id, id) and one (owner_id, sort…, id) per list-view sort', () => {
    expect(on(snap(deal(), [view('by_amount', '-amount'), view('by_close', 'close_date,-amount')])).sort()).toEqual([
      'owner_id, amount, id',
      'owner_id, close_date, amount desc, id',
      'owner_id, id',
    ]);
  });

  it('objects without sharing are private; read and readWrite objects keep the single owner_id index', () => {
    expect(on(snap(deal({ sharing: undefined }), [view('by_amount', '-amount')]))).toEqual([
      'owner_id, id',
      'owner_id, amount, id',
    ]);
    expect(on(snap(deal({ sharing: { default: 'read' } }), [view('by_amount', '-amount')]))).toEqual(['owner_id']);
  });

  it('serves an order and its reverse with one index, and skips sorts the owner index already serves', () => {
    const s = snap(deal(), [
      view('a', '-amount'),
      view('b', 'amount'),
      view('c', undefined),
      view('d', '-id'),
      view('e', '-amount,-id'),
    ]);
    expect(on(s)).toEqual(['owner_id, id', 'owner_id, amount, id']);
    // "-amount,name": amount desc, name asc, id desc (id follows the first key) — one mixed index.
    expect(on(snap(deal(), [view('a', '-amount,name')]))).toEqual(['owner_id, id', 'owner_id, amount, name desc, id']);
  });

  it('indexes the prefix of a sort up to a key no index can hold', () => {
    // a lookup path, a long varchar (url), unbounded text (a text formula), a textarea
    expect(on(snap(deal(), [view('a', 'stage,account.name')]))).toEqual(['owner_id, id', 'owner_id, stage']);
    expect(
      on(snap(deal(), [view('a', 'site'), view('b', 'tier'), view('c', 'notes'), view('d', 'account.name')])),
    ).toEqual(['owner_id, id']);
    // generated formula columns are indexable; lookups sort by their uuid
    expect(on(snap(deal(), [view('a', '-big,account')]))).toEqual(['owner_id, id', 'owner_id, big, account desc, id']);
    // unknown names (a list of them would be refused) give nothing
    expect(on(snap(deal(), [view('a', 'nope')]))).toEqual(['owner_id, id']);
  });

  it('caps the number of indexes, preferring views that open first, then the most used orders', () => {
    const many = ['name', 'close_date', 'stage', 'created_at', 'updated_at', 'big', 'account'].map((sort) =>
      view(`v_${sort}`, sort),
    );
    const s = snap(deal(), [
      ...many,
      view('second_stage', '-stage'),
      view('opens', 'version', { defaultFor: ['sales_rep'] }),
    ]);
    const indexes = on(s);
    expect(indexes).toHaveLength(1 + MAX_LIST_INDEXES);
    expect(indexes.slice(1, 3)).toEqual(['owner_id, version, id', 'owner_id, stage, id']);
    // the choice does not depend on the order of the views
    expect(on({ ...s, listViews: [...s.listViews].reverse() })).toEqual(indexes);
  });

  it('builds the index with directions and quoted identifiers', () => {
    const index = desiredSchema(snap(deal(), [view('a', '-amount,name')]))[1]!.constraints[1]!;
    expect(addConstraint('tenant', 'deal', index).sql).toBe('create index ?? on ?? (??, ??, ?? desc, ??)');
    expect(addConstraint('tenant', 'deal', index).bindings).toEqual([
      index.name,
      'tenant.deal',
      'owner_id',
      'amount',
      'name',
      'id',
    ]);
  });
});

describe('planning owner indexes against the catalog (pure)', () => {
  const before = snap(deal(), [view('by_amount', '-amount')]);

  it('creates the index when a list view appears, and nothing more when it is there', () => {
    const steps = indexSteps(planSchema(desiredSchema(before), catalogOf(snap(deal(), []))));
    expect(steps).toEqual([
      expect.objectContaining({
        op: 'addConstraint',
        table: 'deal',
        constraint: expect.objectContaining({ keys: [{ column: 'owner_id' }, { column: 'amount' }, { column: 'id' }] }),
      }),
    ]);
    expect(planSchema(desiredSchema(before), catalogOf(before))).toEqual([]);
  });

  it('replaces the index when the sort changes, and drops it when the view goes', () => {
    const old = ownerIndexes(before)[1]!.name;
    const changed = planSchema(desiredSchema(snap(deal(), [view('by_amount', '-close_date')])), catalogOf(before));
    expect(changed.map((s) => s.op)).toEqual(['dropConstraint', 'addConstraint']);
    expect(changed[0]).toEqual({ op: 'dropConstraint', table: 'deal', name: old });
    expect(changed[1]).toMatchObject({
      constraint: { keys: [{ column: 'owner_id' }, { column: 'close_date' }, { column: 'id' }] },
    });
    expect(planSchema(desiredSchema(snap(deal(), [])), catalogOf(before))).toEqual([
      { op: 'dropConstraint', table: 'deal', name: old },
    ]);
    // sharing opened to read: the list indexes go, the single owner_id index comes back
    const opened = planSchema(
      desiredSchema(snap(deal({ sharing: { default: 'read' } }), [view('by_amount', '-amount')])),
      catalogOf(before),
    );
    expect(opened.map((s) => s.op)).toEqual(['dropConstraint', 'dropConstraint', 'addConstraint']);
  });

  it('keeps index names through renames of the field, the object and the view', () => {
    const plain = fields.filter((f) => f.type !== 'formula');
    const was = snap(deal({ fields: plain }), [view('by_amount', '-amount')]);
    const renamed = snap(
      deal({
        apiName: 'opportunity',
        fields: plain.map((f) => (f.id === 'f_amount' ? { ...f, apiName: 'deal_value' } : f)),
      }),
      [view('renamed_view', '-deal_value', { object: 'opportunity', id: 'lv_other' })],
    );
    expect(ownerIndexes(renamed).map((i) => i.name)).toEqual(ownerIndexes(was).map((i) => i.name));
    // the amount and its currency code are renamed; no index step
    expect(planSchema(desiredSchema(renamed), catalogOf(was)).map((s) => s.op)).toEqual([
      'renameTable',
      'renameColumn',
      'renameColumn',
    ]);
  });

  it('rebuilds the index after a column under it is replaced (new formula, type change)', () => {
    const withBig = snap(deal(), [view('a', '-big')]);
    const newFormula = snap(
      deal({
        fields: fields.map((f) => (f.id === 'f_big' ? { ...f, expression: { '>': [{ var: 'amount' }, 5000] } } : f)),
      }),
      [view('a', '-big')],
    );
    const steps = planSchema(desiredSchema(newFormula), catalogOf(withBig));
    // drop before the column is replaced (dropping the column would take the index with it), add after
    expect(steps.map((s) => s.op)).toEqual(['dropConstraint', 'replaceFormula', 'addConstraint']);
    const withStage = snap(deal(), [view('a', 'stage')]);
    const wider = snap(deal({ fields: fields.map((f) => (f.id === 'f_close' ? { ...f, type: 'datetime' } : f)) }), [
      view('a', 'close_date'),
    ]);
    expect(
      planSchema(desiredSchema(wider), catalogOf(snap(deal(), [view('a', 'close_date')]))).map((s) => s.op),
    ).toEqual(['dropConstraint', 'alterColumnType', 'addConstraint']);
    expect(planSchema(desiredSchema(withStage), catalogOf(withStage))).toEqual([]);
  });
});
