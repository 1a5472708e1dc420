import { describe, expect, it } from 'vitest';
import type { Catalog, CatalogTable } from './catalog.js';
import { desiredSchema } from './desired.js';
import { planSchema, RefusedTypeChange } from './plan.js';
import { classifyTypeChange } from './type-change.js';
import type { MetadataSnapshot, ObjectDef } from '../metadata/types.js';

const widget = (fields: ObjectDef['fields'], apiName = 'widget'): ObjectDef => ({
  id: 'obj_widget',
  apiName,
  label: 'Widget',
  pluralLabel: 'Widgets',
  nameField: 'name',
  fields,
});
const name = { id: 'f_name', apiName: 'name', type: 'text' as const, label: 'Name' };
const snap = (...objects: ObjectDef[]): MetadataSnapshot => ({ objects, layouts: [], listViews: [] });

/** The catalog that applying `snapshot` would leave behind. */
function catalogOf(snapshot: MetadataSnapshot): Catalog {
  const tables: CatalogTable[] = desiredSchema(snapshot).map((t) => ({
    name: t.name,
    objectId: t.objectId,
    archived: false,
    columns: t.columns.map((c) => ({
      name: c.name,
      sqlType: c.sqlType,
      fieldId: c.fieldId,
      part: c.part,
      archived: false,
      autonumberHash: c.autonumber?.hash,
    })),
    constraints: new Map(t.constraints.map((c) => [c.name, c.column])),
  }));
  return { tables, sequences: new Set() };
}

describe('schema planner (pure)', () => {
  it('plans nothing when the catalog already matches', () => {
    const s = snap(widget([name]));
    expect(planSchema(desiredSchema(s), catalogOf(s))).toEqual([]);
  });

  it('creates a table for a new object with every field column', () => {
    const steps = planSchema(
      desiredSchema(snap(widget([name, { id: 'f_addr', apiName: 'addr', type: 'address', label: 'A' }]))),
      { tables: [], sequences: new Set() },
    );
    // The table, then its owner_id index (private sharing lists by owner).
    expect(steps.map((s) => s.op)).toEqual(['createTable', 'addConstraint']);
    expect(steps[0]).toMatchObject({ op: 'createTable', table: 'widget' });
    expect(steps[1]).toMatchObject({ op: 'addConstraint', constraint: { kind: 'index', column: 'owner_id' } });
    expect((steps[0] as { columns: { name: string }[] }).columns.map((c) => c.name)).toEqual([
      'name',
      'addr__street',
      'addr__city',
      'addr__state',
      'addr__postal_code',
      'addr__country',
    ]);
  });

  it('renames a column when the field id stays and the apiName changes — never drop + add', () => {
    const before = snap(widget([name]));
    const after = snap(widget([{ ...name, apiName: 'title' }]));
    const steps = planSchema(desiredSchema(after), catalogOf(before));
    expect(steps).toEqual([{ op: 'renameColumn', table: 'widget', from: 'name', column: 'title' }]);
  });

  it('renames a table when the object id stays', () => {
    const steps = planSchema(desiredSchema(snap(widget([name], 'gadget'))), catalogOf(snap(widget([name]))));
    expect(steps).toEqual([{ op: 'renameTable', from: 'widget', table: 'gadget' }]);
  });

  it('archives a deleted field instead of dropping it, and restores it by id later', () => {
    const extra = { id: 'f_note', apiName: 'note', type: 'text' as const, label: 'Note' };
    const withNote = snap(widget([name, extra]));
    const steps = planSchema(desiredSchema(snap(widget([name]))), catalogOf(withNote), 1_000);
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ op: 'archiveColumn', table: 'widget', column: 'note', fieldId: 'f_note' });
    const archivedName = (steps[0] as { archivedName: string }).archivedName;
    expect(archivedName).toMatch(/^_arc_/);
    // the catalog after archiving: the column renamed and tagged archived
    const archived = catalogOf(withNote);
    archived.tables[0]!.columns = archived.tables[0]!.columns.map((c) =>
      c.fieldId === 'f_note' ? { ...c, name: archivedName, archived: true } : c,
    );
    expect(planSchema(desiredSchema(withNote), archived)).toEqual([
      expect.objectContaining({ op: 'restoreColumn', table: 'widget', from: archivedName }),
    ]);
  });

  it('orders steps so that constraints go before archives and foreign keys come last', () => {
    const account = {
      id: 'obj_acc',
      apiName: 'acc',
      label: 'A',
      pluralLabel: 'As',
      nameField: 'name',
      fields: [{ ...name, id: 'f_acc_name' }],
    };
    const link = { id: 'f_link', apiName: 'acc', type: 'lookup' as const, label: 'Acc', target: 'acc' };
    const steps = planSchema(desiredSchema(snap(account, widget([name, link]))), { tables: [], sequences: new Set() });
    const ops = steps.map((s) => s.op);
    expect(ops.indexOf('addConstraint')).toBeGreaterThan(ops.lastIndexOf('createTable'));
    const removal = planSchema(
      desiredSchema(snap(account, widget([name]))),
      catalogOf(snap(account, widget([name, link]))),
    );
    expect(removal.map((s) => s.op)).toEqual(['dropConstraint', 'dropConstraint', 'archiveColumn']);
  });

  it('rebuilds the indexes of a column a lossy change may replace, and leaves widened columns alone', () => {
    const code = {
      id: 'f_code',
      apiName: 'code',
      type: 'text' as const,
      label: 'Code',
      unique: true,
      searchable: true,
      maxLength: 40,
    };
    const before = snap(widget([name, code]));
    const [uq, tg] = desiredSchema(before)[0]!.constraints.filter((c) => c.column === 'code');
    // apply.ts may archive the narrowed column: its indexes are dropped first and built on the new one last.
    const narrowed = planSchema(desiredSchema(snap(widget([name, { ...code, maxLength: 10 }]))), catalogOf(before));
    expect(
      narrowed.map(
        (s) =>
          `${s.op} ${'name' in s ? s.name : 'constraint' in s ? s.constraint.name : s.op === 'alterColumnType' ? s.column : ''}`,
      ),
    ).toEqual([
      `dropConstraint ${uq!.name}`,
      `dropConstraint ${tg!.name}`,
      'alterColumnType code',
      `addConstraint ${uq!.name}`,
      `addConstraint ${tg!.name}`,
    ]);
    // Renamed and narrowed: the indexes keep their names, rebuilt on the column's new name.
    const both = planSchema(
      desiredSchema(snap(widget([name, { ...code, apiName: 'sku', maxLength: 10 }]))),
      catalogOf(before),
    );
    expect(both.filter((s) => s.op === 'addConstraint')).toEqual([
      expect.objectContaining({ constraint: expect.objectContaining({ name: uq!.name, column: 'sku' }) }),
      expect.anything(),
    ]);
    // A widened column keeps its indexes in place (ALTER TYPE carries them).
    expect(
      planSchema(desiredSchema(snap(widget([name, { ...code, maxLength: 80 }]))), catalogOf(before)).map((s) => s.op),
    ).toEqual(['alterColumnType']);
  });

  it('moves a constraint found on an archived column back onto the live one', () => {
    const code = { id: 'f_code', apiName: 'code', type: 'text' as const, label: 'Code', unique: true };
    const s = snap(widget([name, code]));
    const uq = desiredSchema(s)[0]!.constraints.find((c) => c.kind === 'unique')!;
    // What a lossy change left behind before indexes were rebuilt: the unique index on the archived column.
    const broken = catalogOf(s);
    broken.tables[0]!.columns.push({
      name: '_arc_x_code',
      sqlType: 'character varying(400)',
      fieldId: 'f_code',
      part: '',
      archived: true,
    });
    broken.tables[0]!.constraints.set(uq.name, '_arc_x_code');
    expect(planSchema(desiredSchema(s), broken)).toEqual([
      { op: 'dropConstraint', table: 'widget', name: uq.name },
      { op: 'addConstraint', table: 'widget', constraint: uq },
    ]);
  });

  it('classifies type changes by what they do to the data', () => {
    expect(classifyTypeChange('character varying(50)', 'character varying(100)')).toBe('widen');
    expect(classifyTypeChange('character varying(100)', 'character varying(50)')).toBe('narrow');
    expect(classifyTypeChange('numeric(18,2)', 'numeric(20,2)')).toBe('widen');
    expect(classifyTypeChange('numeric(18,2)', 'numeric(18,0)')).toBe('narrow');
    expect(classifyTypeChange('integer', 'numeric(18,0)')).toBe('widen');
    expect(classifyTypeChange('numeric(18,0)', 'integer')).toBe('narrow');
    expect(classifyTypeChange('character varying(255)', 'numeric(18,2)')).toBe('convert');
    expect(classifyTypeChange('date', 'timestamp with time zone')).toBe('widen');
    expect(classifyTypeChange('timestamp with time zone', 'date')).toBe('narrow');
    expect(classifyTypeChange('uuid', 'date')).toBe('refuse');
  });

  it('refuses a type change that has no sensible conversion', () => {
    const before = snap(widget([name, { id: 'f_when', apiName: 'happened', type: 'date', label: 'When' }]));
    const after = snap(widget([name, { id: 'f_when', apiName: 'happened', type: 'geolocation', label: 'When' }]));
    // geolocation has other parts; a date → boolean change is the refused case
    expect(() =>
      planSchema(
        desiredSchema(snap(widget([name, { id: 'f_when', apiName: 'happened', type: 'boolean', label: 'W' }]))),
        catalogOf(before),
      ),
    ).toThrow(RefusedTypeChange);
    expect(planSchema(desiredSchema(after), catalogOf(before)).map((s) => s.op)).toEqual([
      'archiveColumn',
      'addColumn',
      'addColumn',
    ]);
  });
});
