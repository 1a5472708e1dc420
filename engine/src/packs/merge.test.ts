import { describe, expect, it } from 'vitest';
import type { MetadataSnapshot } from '../metadata/types.js';
import { mergePack } from './merge.js';

/** Issue 14 point 3: an upgrade merges the installed version, the new one and the tenant's draft. */

const label = (en: string, zh?: string) => (zh ? { en, 'zh-CN': zh } : { en });
const field = (id: string, extra: Record<string, unknown> = {}) => ({
  id: `hc.patient.${id}`,
  apiName: id,
  type: 'text',
  label: label(id),
  ...extra,
});
const patient = (fields: unknown[], extra: Record<string, unknown> = {}) => ({
  id: 'hc.patient',
  apiName: 'hc_patient',
  label: label('Patient', '患者'),
  pluralLabel: label('Patients'),
  nameField: 'name',
  fields,
  ...extra,
});
const layout = (sections: unknown[]) => ({
  id: 'hc.patient_layout',
  apiName: 'hc_patient_layout',
  object: 'hc_patient',
  label: label('Patient'),
  sections,
});
const snap = (objects: unknown[], layouts: unknown[] = []) =>
  ({ objects, layouts, listViews: [] }) as unknown as MetadataSnapshot;
const stage = (values: string[]) =>
  field('stage', { type: 'picklist', values: values.map((v) => ({ value: v, label: label(v) })) });

const fieldsOf = (s: MetadataSnapshot) => s.objects[0]!.fields.map((f) => f.apiName);

describe('merging a pack upgrade', () => {
  it("keeps the admin's relabel while the pack's new field lands", () => {
    const base = snap([patient([field('name')])]);
    const theirs = snap([patient([field('name'), field('mrn')])]);
    const mine = snap([patient([field('name', { label: label('Full name') })])]);
    const { snapshot, plan, conflicts } = mergePack(base, theirs, mine);
    expect(conflicts).toEqual([]);
    expect(fieldsOf(snapshot)).toEqual(['name', 'mrn']);
    expect(snapshot.objects[0]!.fields[0]!.label).toEqual({ en: 'Full name' });
    expect(plan[0]).toMatchObject({ action: 'update', taken: ['/fields/hc.patient.mrn'] });
    expect(plan[0]!.kept).toContain('/fields/hc.patient.name');
  });

  it('keeps a field the admin added and does not re-create one they deleted', () => {
    const base = snap([patient([field('name'), field('nickname')])]);
    const theirs = snap([patient([field('name'), field('nickname', { maxLength: 40 })])]);
    const mine = snap([patient([field('name'), { ...field('allergies'), id: 'fld_own' }])]);
    const { snapshot, plan } = mergePack(base, theirs, mine);
    expect(fieldsOf(snapshot)).toEqual(['name', 'allergies']);
    expect(plan[0]!.kept).toContain('/fields/hc.patient.nickname');
  });

  it('does not re-create an item the admin deleted, and says so', () => {
    const section = { id: 's1', fields: ['name'] };
    const base = snap([patient([field('name')])], [layout([section])]);
    const theirs = snap([patient([field('name')])], [layout([{ ...section, columns: 1 }])]);
    const mine = snap([patient([field('name')])]);
    const { snapshot, plan } = mergePack(base, theirs, mine);
    expect(snapshot.layouts).toEqual([]);
    expect(plan.find((p) => p.kind === 'layout')).toMatchObject({ action: 'keepDeleted' });
  });

  it("lists a true conflict, keeps the admin's value until chosen, and applies the choice", () => {
    const base = snap([patient([field('name')])]);
    const theirs = snap([patient([field('name')], { label: label('Patient record', '患者') })]);
    const mine = snap([patient([field('name')], { label: label('Client', '患者') })]);
    const first = mergePack(base, theirs, mine);
    expect(first.conflicts).toEqual([
      expect.objectContaining({ key: 'object:hc.patient/label/en', mine: 'Client', theirs: 'Patient record' }),
    ]);
    expect(first.snapshot.objects[0]!.label).toEqual(label('Client', '患者'));
    const taken = mergePack(base, theirs, mine, { 'object:hc.patient/label/en': 'takeTheirs' });
    expect(taken.snapshot.objects[0]!.label).toEqual(label('Patient record', '患者'));
    expect(taken.conflicts[0]!.resolution).toBe('takeTheirs');
    const kept = mergePack(base, theirs, mine, { 'object:hc.patient/label/en': 'keepMine' });
    expect(kept.snapshot.objects[0]!.label).toEqual(label('Client', '患者'));
  });

  it("lands the pack's formula change over the admin's: formulas stay the pack's", () => {
    const formula = (f: unknown) => field('age', { type: 'formula', formula: f, returnType: 'number' });
    const base = snap([patient([field('name'), formula({ '+': [1, 1] })])]);
    const theirs = snap([patient([field('name'), formula({ '+': [2, 2] })])]);
    const mine = snap([patient([field('name'), formula({ '+': [3, 3] })])]);
    const { snapshot, plan, conflicts } = mergePack(base, theirs, mine);
    expect(conflicts).toEqual([]);
    expect((snapshot.objects[0]!.fields[1] as unknown as { formula: unknown }).formula).toEqual({ '+': [2, 2] });
    expect(plan[0]!.reset).toEqual(['/fields/hc.patient.age/formula']);
  });

  it("merges picklist values: the admin's order and removals, the pack's new value", () => {
    const base = snap([patient([stage(['new', 'seen', 'closed'])])]);
    const theirs = snap([patient([stage(['new', 'seen', 'billed', 'closed'])])]);
    const mine = snap([patient([stage(['closed', 'new', 'triage'])])]);
    const values = (mergePack(base, theirs, mine).snapshot.objects[0]!.fields[0]!.values ?? []).map((v) => v.value);
    expect(values).toEqual(['closed', 'new', 'triage', 'billed']);
  });

  it("removes what the pack removed, and merges a section's fields as a set", () => {
    const base = snap([patient([field('name'), field('fax')])], [layout([{ id: 's1', fields: ['name', 'fax'] }])]);
    const theirs = snap([patient([field('name'), field('mrn')])], [layout([{ id: 's1', fields: ['name', 'mrn'] }])]);
    const mine = snap(
      [patient([field('name'), field('fax'), { ...field('notes'), id: 'fld_own' }])],
      [layout([{ id: 's1', fields: ['notes', 'name', 'fax'] }])],
    );
    const { snapshot } = mergePack(base, theirs, mine);
    expect(fieldsOf(snapshot)).toEqual(['name', 'notes', 'mrn']);
    expect(snapshot.layouts[0]!.sections[0]!.fields).toEqual(['notes', 'name', 'mrn']);
  });

  it('installs everything on a first install, and changes nothing when reinstalling the same version', () => {
    const pack = snap([patient([field('name')])], [layout([{ id: 's1', fields: ['name'] }])]);
    const first = mergePack(undefined, pack, snap([]));
    expect(first.plan.map((p) => p.action)).toEqual(['add', 'add']);
    expect(first.snapshot).toMatchObject(pack);
    const again = mergePack(pack, pack, first.snapshot);
    expect(again.plan.map((p) => p.action)).toEqual(['unchanged', 'unchanged']);
    expect(again.snapshot).toEqual(first.snapshot);
  });
});

describe("merging a pack's fields on another object", () => {
  const account = (fields: unknown[]) => ({
    id: 'core.account',
    apiName: 'account',
    label: label('Account'),
    pluralLabel: label('Accounts'),
    nameField: 'name',
    fields,
  });
  const own = { id: 'core.account.name', apiName: 'name', type: 'text', label: label('Name') };
  const ext = (id: string, extra: Record<string, unknown> = {}) => ({
    id: `hc.account.${id}`,
    apiName: `hc_${id}`,
    type: 'text',
    label: label(id),
    ...extra,
  });
  const content = (fields: unknown[]) =>
    ({ objects: [], layouts: [], listViews: [], extensions: [{ object: 'account', fields }] }) as never;

  it("adds the pack's fields, keeps the admin's relabel and the object's own fields, leaves the draft unchanged", () => {
    const mine = snap([
      account([own, { ...ext('insurer'), label: label('Payer') }, { ...own, id: 'fld_x', apiName: 'x' }]),
    ]);
    const frozen = JSON.stringify(mine);
    const { snapshot, plan } = mergePack(content([ext('insurer')]), content([ext('insurer'), ext('plan_id')]), mine);
    expect(snapshot.objects[0]!.fields.map((f) => f.apiName)).toEqual(['name', 'hc_insurer', 'x', 'hc_plan_id']);
    expect(snapshot.objects[0]!.fields[1]!.label).toEqual(label('Payer'));
    expect(plan).toContainEqual(expect.objectContaining({ apiName: 'account', action: 'update' }));
    expect(JSON.stringify(mine)).toBe(frozen);
  });

  it('removes a field the new version drops, and does not re-create one the admin deleted', () => {
    const base = content([ext('insurer'), ext('plan_id')]);
    const theirs = content([ext('insurer')]);
    const mine = snap([account([own, ext('plan_id')])]);
    expect(mergePack(base, theirs, mine).snapshot.objects[0]!.fields.map((f) => f.apiName)).toEqual(['name']);
  });
});
