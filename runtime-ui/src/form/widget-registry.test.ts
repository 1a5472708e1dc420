import { describe, expect, it } from 'vitest';
import type { FieldMeta, FieldType } from '../api/metadata.api';
import { FIELD_UI } from '../fields/field-ui';
import { buildForm } from './form-schema';
import { fields, widgets } from './widgets';

/** rjsf's own widget names that FIELD_UI may use as they are. */
const RJSF_WIDGETS = new Set(['text', 'email', 'uri', 'textarea', 'checkbox']);

describe('every field type has a form control', () => {
  it('names only registered widgets and fields', () => {
    for (const [type, ui] of Object.entries(FIELD_UI)) {
      if (ui.widget)
        expect(RJSF_WIDGETS.has(ui.widget) || ui.widget in widgets, `${type} widget ${ui.widget}`).toBe(true);
      if (ui.field) expect(ui.field in fields, `${type} field ${ui.field}`).toBe(true);
    }
  });

  it('gives rjsf a schema type or a custom field for each, so none renders as "unsupported"', () => {
    const types = Object.keys(FIELD_UI) as FieldType[];
    const object = {
      id: 'o',
      apiName: 'thing',
      label: 'Thing',
      pluralLabel: 'Things',
      nameField: 'f_text',
      fields: types.map(
        (type) =>
          ({
            id: type,
            apiName: `f_${type.toLowerCase()}`,
            type,
            label: type,
            operators: [],
            sortable: false,
            readOnly: false,
            widget: '',
            ...(type.includes('picklist') ? { values: [{ value: 'a' }] } : {}),
            ...(type === 'lookup' || type === 'masterDetail' ? { target: 'thing' } : {}),
          }) as FieldMeta,
      ),
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
      nameField: 'subject',
      fields: [
        {
          id: '1',
          apiName: 'subject',
          type: 'text',
          label: 'Subject',
          required: true,
          operators: [],
          sortable: true,
          readOnly: false,
          widget: 'text',
        },
        {
          id: '2',
          apiName: 'number',
          type: 'autonumber',
          label: 'No.',
          operators: [],
          sortable: true,
          readOnly: true,
          widget: 'readonly',
        },
      ] as FieldMeta[],
    };
    expect(Object.keys(buildForm(object, undefined, 'create', 'en').schema.properties!)).toEqual(['subject']);
    const edit = buildForm(object, undefined, 'edit', 'en');
    expect(edit.schema.required).toEqual(['subject']);
    expect(edit.uiSchema.number).toMatchObject({ 'ui:readonly': true, 'ui:field': 'readonlyValue' });
  });
});
