import { describe, expect, it } from 'vitest';
import type { FieldTypeEntry } from '../api/studio.api';
import { fromFormData, hasChoices, settingsForm, toFormData } from './settings-schema';

const entry = (properties: FieldTypeEntry['settings']['properties'], required?: string[]): FieldTypeEntry => ({
  type: 'text',
  settings: { type: 'object', properties, ...(required ? { required } : {}) },
  widget: 'text',
  readOnly: false,
  nameField: true,
  relation: false,
  multiValued: false,
});

describe('the settings form of a field type', () => {
  it('keeps typed settings, titled, and leaves choices to their own editor', () => {
    const picklist = entry({ values: { type: 'array' }, restricted: { type: 'boolean', default: true } }, ['values']);
    const form = settingsForm(picklist, [], (s) => `T:${s}`);
    expect(hasChoices(picklist)).toBe(true);
    expect(form.schema).toEqual({
      type: 'object',
      properties: { restricted: { type: 'boolean', default: true, title: 'T:restricted' } },
    });
  });

  it("keeps the engine's title for a setting the studio has no name for", () => {
    const text = entry({ maxLength: { type: 'integer' }, encrypted: { type: 'boolean', title: 'Encrypted' } });
    const form = settingsForm(text, [], (s) => (s === 'maxLength' ? 'Maximum length' : s));
    expect(form.type).toBe('text');
    expect(form.schema.properties).toEqual({
      maxLength: { type: 'integer', title: 'Maximum length' },
      encrypted: { type: 'boolean', title: 'Encrypted' },
    });
  });

  it('offers the objects for a setting naming one, and edits free JSON as text', () => {
    const form = settingsForm(
      entry({ target: { type: 'string', pattern: '^[a-z]' }, expression: { description: 'json-logic' } }, ['target']),
      ['account', 'vehicle'],
      (s) => s,
    );
    expect(form.schema.properties!.target).toMatchObject({ enum: ['account', 'vehicle'] });
    expect(form.schema.properties!.expression).toEqual({
      type: 'string',
      title: 'expression',
      description: 'json-logic',
    });
    expect(form.json).toEqual(['expression']);
    expect(form.schema.required).toEqual(['target']);
  });

  it('round-trips JSON settings through text, naming the ones that do not parse', () => {
    const form = settingsForm(entry({ expression: {}, maxLength: { type: 'integer' } }), [], (s) => s);
    const data = toFormData(form, { expression: { var: 'a' }, maxLength: 5, label: 'ignored' });
    expect(data).toEqual({ expression: '{"var":"a"}', maxLength: 5 });
    expect(fromFormData(form, data)).toEqual({ settings: { expression: { var: 'a' }, maxLength: 5 }, badJson: [] });
    expect(fromFormData(form, { expression: '{oops' }).badJson).toEqual(['expression']);
  });

  it("edits a formula's expression in the rule editor, other JSON settings as text", () => {
    const formula = {
      ...entry({ expression: {}, returnType: { enum: ['text', 'number'] } }),
      type: 'formula' as const,
    };
    const form = settingsForm(formula, [], (s) => s);
    expect(form.uiSchema.expression).toEqual({ 'ui:widget': 'rule', 'ui:options': { kind: 'formula', label: false } });
    expect(form.json).toEqual(['expression']);
    const rollup = settingsForm({ ...entry({ filter: {} }), type: 'rollup' as const }, [], (s) => s);
    expect(rollup.uiSchema.filter).toMatchObject({ 'ui:widget': 'textarea' });
  });
});
