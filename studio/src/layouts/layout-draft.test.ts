import { describe, expect, it } from 'vitest';
import {
  addSection,
  deleteSection,
  errorsUnder,
  HIGHLIGHTS,
  MAX_HIGHLIGHTS,
  moveField,
  moveSection,
  PALETTE,
  paletteFields,
  parseDragId,
  fieldItem,
  setFieldRule,
} from './layout-draft';
import type { LayoutDef } from './layouts.api';

const base: LayoutDef = {
  apiName: 'deal_layout',
  object: 'deal',
  label: 'Deal',
  sections: [
    { id: 'a', columns: 2, fields: ['name', 'stage'] },
    { id: 'b', columns: 1, fields: ['amount'] },
  ],
};
const fields = ['name', 'stage', 'amount', 'lost_reason', 'notes'];

describe('layout draft edits', () => {
  it('offers in the palette only the fields no section places', () => {
    expect(paletteFields(fields, base)).toEqual(['lost_reason', 'notes']);
  });

  it('moves a field from the palette into a section at a position, and between sections', () => {
    const placed = moveField(base, 'lost_reason', PALETTE, 'a', 1);
    expect(placed.sections[0]!.fields).toEqual(['name', 'lost_reason', 'stage']);
    const moved = moveField(placed, 'lost_reason', 'a', 'b');
    expect(moved.sections.map((s) => s.fields)).toEqual([
      ['name', 'stage'],
      ['amount', 'lost_reason'],
    ]);
    expect(base.sections[0]!.fields).toEqual(['name', 'stage']);
  });

  it('sends a field back to the palette with its rules', () => {
    const ruled = setFieldRule(base, 'stage', 'requiredWhen', { '==': [1, 1] });
    const back = moveField(ruled, 'stage', 'a', PALETTE);
    expect(back.sections[0]!.fields).toEqual(['name']);
    expect(back.fieldRules).toBeUndefined();
  });

  it('copies fields into the highlights, up to seven, and reorders them', () => {
    let layout = base;
    for (const f of ['name', 'stage', 'amount', 'a1', 'a2', 'a3', 'a4', 'a5'])
      layout = moveField(layout, f, 'a', HIGHLIGHTS);
    expect(layout.highlights).toHaveLength(MAX_HIGHLIGHTS);
    expect(layout.sections[0]!.fields).toEqual(['name', 'stage']);
    layout = moveField(layout, 'amount', HIGHLIGHTS, HIGHLIGHTS, 0);
    expect(layout.highlights!.slice(0, 3)).toEqual(['amount', 'name', 'stage']);
    expect(moveField(layout, 'amount', HIGHLIGHTS, PALETTE).highlights).not.toContain('amount');
  });

  it('adds, reorders and deletes sections; a deleted section gives its fields back', () => {
    const added = addSection(base, 'c');
    expect(added.sections.map((s) => s.id)).toEqual(['a', 'b', 'c']);
    expect(moveSection(added, 'c', 0).sections.map((s) => s.id)).toEqual(['c', 'a', 'b']);
    const gone = deleteSection(setFieldRule(base, 'amount', 'visibleWhen', true), 'b');
    expect(gone.sections.map((s) => s.id)).toEqual(['a']);
    expect(paletteFields(fields, gone)).toContain('amount');
    expect(gone.fieldRules).toBeUndefined();
  });

  it('sets and clears field rules', () => {
    const one = setFieldRule(base, 'stage', 'visibleWhen', { var: 'x' });
    expect(one.fieldRules).toEqual({ stage: { visibleWhen: { var: 'x' } } });
    expect(setFieldRule(one, 'stage', 'visibleWhen', undefined).fieldRules).toBeUndefined();
  });

  it('reads drag ids and picks the errors of one control', () => {
    expect(parseDragId(fieldItem('a', 'stage'))).toEqual({ kind: 'field', container: 'a', field: 'stage' });
    expect(parseDragId('nonsense')).toBeUndefined();
    const errors = [
      { field: '/fieldRules/stage/requiredWhen', message: 'bad' },
      { field: '/fieldRules/stages', message: 'other' },
    ];
    expect(errorsUnder(errors, '/fieldRules/stage')).toEqual(['bad']);
  });
});
