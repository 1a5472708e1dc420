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
    // Both in the plan: the deletion kept, and the admin's own field kept.
    expect(plan[0]!.kept).toContain('/fields/hc.patient.nickname');
    expect(plan[0]!.kept).toContain('/fields/fld_own');
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
    const formula = (f: unknown) => field('age', { type: 'formula', expression: f, returnType: 'number' });
    const base = snap([patient([field('name'), formula({ '+': [1, 1] })])]);
    const theirs = snap([patient([field('name'), formula({ '+': [2, 2] })])]);
    const mine = snap([patient([field('name'), formula({ '+': [3, 3] })])]);
    const { snapshot, plan, conflicts } = mergePack(base, theirs, mine);
    expect(conflicts).toEqual([]);
    expect((snapshot.objects[0]!.fields[1] as unknown as { expression: unknown }).expression).toEqual({ '+': [2, 2] });
    expect(plan[0]!.reset).toEqual(['/fields/hc.patient.age/expression']);
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

describe("what pack.json's customizable leaves the admin", () => {
  const rule = (condition: unknown, message = 'Not in the future') => ({
    id: 'hc.patient.birth_ok',
    apiName: 'birth_ok',
    condition,
    message: label(message),
  });
  const future = { '>': [{ var: 'name' }, 'z'] };
  const withRule = (r: unknown, fields: unknown[] = [field('name')]) =>
    snap([patient(fields, { validationRules: [r] })]);
  const ruleOf = (s: MetadataSnapshot) => s.objects[0]!.validationRules![0]!;

  it("sets a formula back that only the admin changed: it stays the pack's by default", () => {
    const age = (e: unknown) => field('age', { type: 'formula', expression: e, returnType: 'number' });
    const pack = snap([patient([age({ '+': [1, 1] })])]);
    const { snapshot, plan, conflicts } = mergePack(pack, pack, snap([patient([age({ '+': [3, 3] })])]));
    expect(conflicts).toEqual([]);
    expect(snapshot.objects[0]!.fields[0]!.expression).toEqual({ '+': [1, 1] });
    expect(plan[0]).toMatchObject({ action: 'update', reset: ['/fields/hc.patient.age/expression'] });
  });

  it("sets a locked rule condition back, keeps the admin's message, and says so in the plan", () => {
    const pack = withRule(rule(future));
    const mine = withRule(rule({ '==': [1, 0] }, 'Check the date'));
    const locked = { items: { 'hc.patient.birth_ok': { locked: ['condition'] } } };
    const { snapshot, plan, conflicts } = mergePack(pack, pack, mine, {}, locked);
    expect(conflicts).toEqual([]);
    expect(ruleOf(snapshot)).toMatchObject({ condition: future, message: label('Check the date') });
    expect(plan[0]!.reset).toEqual(['/validationRules/hc.patient.birth_ok/condition']);
    expect(plan[0]!.kept).toEqual(['/validationRules/hc.patient.birth_ok/message']);
    expect(plan[0]!.action).toBe('update');
    // Without the lock the admin's condition stays.
    expect(ruleOf(mergePack(pack, pack, mine).snapshot).condition).toEqual({ '==': [1, 0] });
  });

  it("takes the pack's new locked value over the admin's without a conflict", () => {
    const base = withRule(rule(future));
    const theirs = withRule(rule({ '>': [{ var: 'name' }, 'y'] }));
    const mine = withRule(rule({ '==': [1, 0] }));
    const byKind = { objects: { locked: ['validationRules.condition'] } };
    const { snapshot, plan, conflicts } = mergePack(base, theirs, mine, {}, byKind);
    expect(conflicts).toEqual([]);
    expect(ruleOf(snapshot).condition).toEqual({ '>': [{ var: 'name' }, 'y'] });
    expect(plan[0]!.reset).toEqual(['/validationRules/hc.patient.birth_ok/condition']);
    // Unlocked, the same edits are a conflict to choose on.
    expect(mergePack(base, theirs, mine).conflicts.map((c) => c.key)).toEqual([
      'object:hc.patient/validationRules/hc.patient.birth_ok/condition/>',
    ]);
  });

  it("keeps only what a kind's list opens, an item's override, and the admin's own fields", () => {
    const pack = snap([patient([field('name'), field('mrn')])]);
    const mine = snap([
      patient(
        [
          field('name', { label: label('Full name'), required: true }),
          field('mrn', { required: true }),
          { ...field('notes'), id: 'fld_own', required: true },
        ],
        { label: label('Client') },
      ),
    ]);
    const decl = {
      objects: ['label', 'fields.label'],
      items: { 'hc.patient.mrn': { customizable: ['required'] } },
    };
    const { snapshot, plan } = mergePack(pack, pack, mine, {}, decl);
    const [name, mrn, notes] = snapshot.objects[0]!.fields;
    expect(snapshot.objects[0]!.label).toEqual(label('Client'));
    expect(name).toEqual(field('name', { label: label('Full name') }));
    expect(mrn!.required).toBe(true);
    expect(notes).toMatchObject({ id: 'fld_own', required: true });
    expect(plan[0]!.reset).toEqual(['/fields/hc.patient.name/required']);
  });

  it('locks a whole picklist value list item by item, keeping the values the admin added', () => {
    const base = snap([patient([stage(['new', 'seen'])])]);
    const mine = snap([
      patient([
        field('stage', {
          type: 'picklist',
          values: [
            { value: 'new', label: label('Fresh') },
            { value: 'seen', label: label('seen') },
            { value: 'triage', label: label('Triage') },
          ],
        }),
      ]),
    ]);
    const decl = { items: { 'hc.patient.stage': { locked: ['values'] } } };
    const { snapshot, plan } = mergePack(base, base, mine, {}, decl);
    expect(snapshot.objects[0]!.fields[0]!.values).toEqual([
      { value: 'new', label: label('new') },
      { value: 'seen', label: label('seen') },
      { value: 'triage', label: label('Triage') },
    ]);
    expect(plan[0]!.reset).toEqual(['/fields/hc.patient.stage/values/new']);
  });
});
