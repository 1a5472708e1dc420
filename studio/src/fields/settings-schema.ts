import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import type { FieldTypeEntry } from '../api/studio.api';

/**
 * A field type's settings schema (from the engine) as the settings form draws it. Nothing here is
 * per type: the choices of a picklist get their own editor (ChoicesEditor), settings that name an
 * object offer the draft's objects, and settings that take any JSON (a formula's expression, a
 * rollup's filter) are edited as JSON text.
 */

export type Settings = Record<string, unknown>;

/** The setting holding a list of choices (picklists): edited by ChoicesEditor, not the form. */
export const CHOICES_SETTING = 'values';
/** Settings that name an object of the configuration. */
const OBJECT_SETTINGS = new Set(['target', 'child']);
/**
 * Settings that hold a json-logic rule, and the kind of rule the engine checks them as: edited
 * in the rule editor (RuleWidget, the form's `rule` widget) rather than as plain JSON text.
 */
const RULE_SETTINGS: Record<string, Record<string, string>> = { formula: { expression: 'formula' } };

type Property = Record<string, unknown>;

/** A setting that is free JSON: no type, or an object without declared properties. */
export const isFreeJson = (p: Property) =>
  (p.type === undefined && p.enum === undefined && p.oneOf === undefined) ||
  (p.type === 'object' && p.properties === undefined);

export const hasChoices = (entry: FieldTypeEntry) => CHOICES_SETTING in entry.settings.properties;

export interface SettingsForm {
  /** The field type: the context of its settings' translated texts (i18n/schema-texts.ts). */
  type?: FieldTypeEntry['type'];
  schema: RJSFSchema;
  uiSchema: UiSchema;
  /** Settings edited as JSON text. */
  json: string[];
}

/**
 * `title` names a setting in the studio's language; a setting it has no name for (it answers the
 * setting's own name) keeps the title the engine's schema gives it.
 */
export function settingsForm(
  entry: FieldTypeEntry,
  objects: string[],
  title: (setting: string) => string,
): SettingsForm {
  const properties: Record<string, Property> = {};
  const uiSchema: UiSchema = { 'ui:submitButtonOptions': { norender: true } };
  const json: string[] = [];
  for (const [name, property] of Object.entries(entry.settings.properties)) {
    if (name === CHOICES_SETTING) continue;
    const named = title(name);
    const titled = named === name && typeof property.title === 'string' ? property.title : named;
    let p: Property = { ...property, title: titled };
    if (OBJECT_SETTINGS.has(name) && p.type === 'string') p = { ...p, enum: objects };
    if (isFreeJson(property)) {
      json.push(name);
      p = { type: 'string', title: titled, description: property.description };
      const rule = RULE_SETTINGS[entry.type]?.[name];
      uiSchema[name] = rule
        ? { 'ui:widget': 'rule', 'ui:options': { kind: rule, label: false } }
        : { 'ui:widget': 'textarea', 'ui:options': { rows: 3 } };
    }
    properties[name] = p;
  }
  const required = (entry.settings.required ?? []).filter((r) => r !== CHOICES_SETTING);
  return {
    type: entry.type,
    schema: { type: 'object', properties, ...(required.length ? { required } : {}) },
    uiSchema,
    json,
  };
}

/** The form's data from a field's settings: JSON settings as text. */
export function toFormData(form: SettingsForm, field: Settings): Settings {
  const data: Settings = {};
  for (const name of Object.keys(form.schema.properties ?? {})) {
    const value = field[name];
    if (value === undefined) continue;
    data[name] = form.json.includes(name) ? JSON.stringify(value) : value;
  }
  return data;
}

/** The settings to store from the form's data, or the names of JSON settings that do not parse. */
export function fromFormData(form: SettingsForm, data: Settings): { settings: Settings; badJson: string[] } {
  const settings: Settings = {};
  const badJson: string[] = [];
  for (const [name, value] of Object.entries(data)) {
    if (value === undefined || value === '') continue;
    if (!form.json.includes(name)) settings[name] = value;
    else {
      try {
        settings[name] = JSON.parse(value as string) as unknown;
      } catch {
        badJson.push(name);
      }
    }
  }
  return { settings, badJson };
}
