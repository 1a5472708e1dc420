import type { DraftField, FieldType } from '../api/studio.api';
import type { Settings, SettingsForm } from './settings-schema';

/** Properties every field has, whatever its type (field.schema.json); the rest are type settings. */
const COMMON = [
  'id',
  'apiName',
  'type',
  'label',
  'required',
  'unique',
  'default',
  'helpText',
  'description',
  'searchable',
  'auditReads',
];

/**
 * A field as it will be saved: the common properties of the field it replaces, then the new
 * type's settings. Settings of a former type are left out, and so is a setting the field did not
 * have whose value is its default (the form fills defaults in; they are not a change).
 */
export function buildField(
  before: DraftField | undefined,
  common: Pick<DraftField, 'apiName' | 'label' | 'required' | 'unique' | 'auditReads'> & { type: FieldType },
  form: SettingsForm,
  settings: Settings,
  choices?: { values: DraftField['values']; default: unknown },
): DraftField {
  const kept = Object.fromEntries(Object.entries(before ?? {}).filter(([k]) => COMMON.includes(k)));
  const field: DraftField = { ...kept, ...common };
  for (const key of ['required', 'unique', 'auditReads'] as const) if (!field[key]) delete field[key];
  // A default belongs to the type it was given for.
  if (before && before.type !== common.type) delete field.default;
  for (const [name, value] of Object.entries(settings)) {
    const schema = form.schema.properties?.[name] as { default?: unknown } | undefined;
    if (before?.[name] === undefined && schema?.default !== undefined && value === schema.default) continue;
    field[name] = value;
  }
  if (choices) {
    field.values = choices.values;
    if (choices.default === undefined) delete field.default;
    else field.default = choices.default;
  }
  return field;
}
