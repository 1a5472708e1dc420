import { describe, expect, it } from 'vitest';
import { TYPE_WIDGETS, WIDGET_IDS } from '../api/field-types.generated';
import type { FieldMeta, FieldType } from '../api/metadata.api';
import { buildForm } from './form-schema';
import { controlOf, fields, widgets } from './widgets';

/** rjsf's own widget names the form may use as they are. */
const RJSF_WIDGETS = new Set(['textarea', 'email', 'uri', 'checkbox']);

const meta = (type: FieldType, extra: Partial<FieldMeta> = {}): FieldMeta => ({
  id: type,
  apiName: `f_${type.toLowerCase()}`,
  type,
  label: type,
  operators: [],
  sortable: false,
  readOnly: false,
  widget: TYPE_WIDGETS[type],
  ...(type.includes('picklist') ? { values: [{ value: 'a' }] } : {}),
  ...(type === 'lookup' || type === 'masterDetail' ? { target: 'thing' } : {}),
  ...extra,
});

describe('every widget the engine names has a form control', () => {
  it('draws each with a registered widget or field, or rjsf’s own', () => {
    for (const id of WIDGET_IDS) {
      const ui = controlOf(id);
      const widget = ui['ui:widget'] as string | undefined;
      const field = ui['ui:field'] as string | undefined;
      if (widget) expect(RJSF_WIDGETS.has(widget) || widget in widgets, `${id} widget ${widget}`).toBe(true);
      if (field) expect(field in fields, `${id} field ${field}`).toBe(true);
    }
  });

  it('uses the widget the engine sends, whatever the type', () => {
    const object = {
      id: 'o',
      apiName: 'thing',
      label: 'Thing',
      pluralLabel: 'Things',
      nameField: 'f_text',
      fields: [meta('text', { widget: 'textarea' }), meta('integer', { widget: 'percent' })],
    };
    const form = buildForm(object, undefined, 'edit', 'en');
    expect(form.uiSchema.f_text).toMatchObject({ 'ui:widget': 'textarea' });
    expect(form.uiSchema.f_integer).toMatchObject({ 'ui:widget': 'percent' });
  });

  it('gives rjsf a schema type or a custom field for each type, so none renders as "unsupported"', () => {
    const object = {
      id: 'o',
      apiName: 'thing',
      label: 'Thing',
      pluralLabel: 'Things',
      nameField: 'f_text',
      fields: (Object.keys(TYPE_WIDGETS) as FieldType[]).map((type) => meta(type)),
    };
    const form = buildForm(object, undefined, 'edit', 'en');
    for (const f of object.fields) {
      const schema = form.schema.properties![f.apiName] as { type?: string };
      const ui = form.uiSchema[f.apiName] as Record<string, unknown>;
      expect(schema.type !== undefined || ui['ui:field'] !== undefined, f.type).toBe(true);
    }
  });

  it('leaves computed fields out of a new record and shows them read-only on an existing one', () => {
    const object = {
      id: 'o',
      apiName: 'case',
      label: 'Case',
      pluralLabel: 'Cases',
      nameField: 'f_text',
      fields: [meta('text', { required: true, sortable: true }), meta('autonumber', { readOnly: true })],
    };
    expect(Object.keys(buildForm(object, undefined, 'create', 'en').schema.properties!)).toEqual(['f_text']);
    const edit = buildForm(object, undefined, 'edit', 'en');
    expect(edit.schema.required).toEqual(['f_text']);
    expect(edit.uiSchema.f_autonumber).toMatchObject({ 'ui:readonly': true, 'ui:field': 'readonly' });
  });
});
