import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import type { FieldMeta, Label, LayoutMeta, ObjectMeta } from '../api/metadata.api';
import { FIELD_UI } from '../fields/field-ui';
import { labelOf } from '../i18n/label';
import { requiredNow, visibleSections, type FieldRules } from './layout-rules';
import { controlOf } from './widgets';

/**
 * Metadata → react-jsonschema-form: a JSON Schema of the record (per field type, fields/field-ui.ts)
 * and a uiSchema drawing each field with the widget the engine names for it (form/widgets). Metadata
 * stores widget ids, never rjsf's schema; this mapping happens at render time, so a field
 * published in the studio appears on the next page load.
 */

export interface FormSection {
  label?: Label;
  columns: 1 | 2;
  fields: string[];
  /** json-logic over the record: the section shows only while it holds (layout-rules.ts). */
  visibleWhen?: unknown;
}

export interface GeneratedForm {
  schema: RJSFSchema;
  uiSchema: UiSchema;
  sections: FormSection[];
  fields: FieldMeta[];
  /** The layout's per-field visibleWhen and requiredWhen rules. */
  fieldRules?: Record<string, FieldRules>;
}

export function buildForm(
  object: ObjectMeta,
  layout: LayoutMeta | undefined,
  mode: 'create' | 'edit',
  lng: string,
): GeneratedForm {
  const byName = new Map(object.fields.map((f) => [f.apiName, f]));
  // Fields the engine fills (autonumber, formula, rollup) are left out of a new record.
  const include = (f: FieldMeta | undefined): f is FieldMeta => !!f && !(mode === 'create' && f.readOnly);
  const layoutSections: { label?: Label; columns?: 1 | 2; fields: string[]; visibleWhen?: unknown }[] =
    layout?.sections ?? [{ columns: 2, fields: object.fields.map((f) => f.apiName) }];
  const sections: FormSection[] = layoutSections
    .map((s) => ({
      label: s.label,
      columns: s.columns ?? 2,
      fields: s.fields.filter((n) => include(byName.get(n))),
      ...(s.visibleWhen !== undefined ? { visibleWhen: s.visibleWhen } : {}),
    }))
    .filter((s) => s.fields.length > 0);
  // A required field the layout forgot must still be fillable, or the record could never be saved.
  const placed = new Set(sections.flatMap((s) => s.fields));
  const missing = object.fields.filter((f) => f.required && !f.readOnly && !placed.has(f.apiName) && include(f));
  if (missing.length) sections.push({ columns: 2, fields: missing.map((f) => f.apiName) });

  const fields = sections.flatMap((s) => s.fields).map((n) => byName.get(n)!);
  const properties: Record<string, RJSFSchema> = {};
  const uiSchema: UiSchema = { 'ui:order': fields.map((f) => f.apiName), 'ui:submitButtonOptions': { norender: true } };
  const required: string[] = [];
  for (const f of fields) {
    const ui = FIELD_UI[f.type];
    properties[f.apiName] = {
      ...ui.formSchema(f),
      title: labelOf(f.label, lng, f.apiName),
      ...(f.helpText ? { description: labelOf(f.helpText, lng) } : {}),
    };
    if (f.required && !f.readOnly && !ui.alwaysHasValue) required.push(f.apiName);
    uiSchema[f.apiName] = {
      ...controlOf(f.widget),
      ...(f.readOnly ? { 'ui:readonly': true } : {}),
      'ui:options': { fieldMeta: f },
    };
  }
  return {
    schema: { type: 'object', required, properties },
    uiSchema,
    sections,
    fields,
    ...(layout?.fieldRules ? { fieldRules: layout.fieldRules } : {}),
  };
}

/**
 * The form as the layout's rules make it for the values typed so far: hidden sections and fields
 * left out, fields whose requiredWhen holds added to the required ones (marked and checked).
 */
export function applyLayoutRules(form: GeneratedForm, data: Record<string, unknown>): GeneratedForm {
  if (!form.fieldRules && !form.sections.some((s) => s.visibleWhen !== undefined)) return form;
  const editable = new Set(form.fields.filter((f) => !f.readOnly).map((f) => f.apiName));
  const extra = requiredNow(form.sections, form.fieldRules, data).filter((f) => editable.has(f));
  const required = [...new Set([...(form.schema.required ?? []), ...extra])];
  return {
    ...form,
    schema: { ...form.schema, required },
    sections: visibleSections(form.sections, form.fieldRules, data),
  };
}

/** A record as the API answers it → the form's data. */
export function toFormData(record: Record<string, unknown> | undefined, fields: FieldMeta[]): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const f of fields) {
    const value = record ? record[f.apiName] : f.default;
    const ui = FIELD_UI[f.type];
    const converted = ui.toForm ? ui.toForm(value, record ?? {}, f) : value;
    if (converted !== null && converted !== undefined) data[f.apiName] = converted;
  }
  return data;
}

/**
 * The form's data → the request body: on create every filled field, on edit only what changed
 * (a PATCH of untouched fields would trip field permissions and rules for nothing).
 */
export function toRequestBody(
  data: Record<string, unknown>,
  fields: FieldMeta[],
  initial?: Record<string, unknown>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.readOnly) continue;
    const ui = FIELD_UI[f.type];
    const raw = data[f.apiName];
    const value = ui.fromForm ? ui.fromForm(raw) : raw === '' || raw === undefined ? null : raw;
    if (initial) {
      const before = ui.fromForm ? ui.fromForm(initial[f.apiName]) : (initial[f.apiName] ?? null);
      if (JSON.stringify(before) === JSON.stringify(value)) continue;
    } else if (value === null || (Array.isArray(value) && value.length === 0)) continue;
    body[f.apiName] = value;
  }
  return body;
}
