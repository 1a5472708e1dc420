import type { DraftField, DraftObject, FieldType } from '../api/studio.api';
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

/**
 * The object as it will be saved with `field` added, or put in place of `before` (matched by id:
 * after a reload the object is a fresh copy). A renamed name field stays the name field.
 */
export function withField(object: DraftObject, before: DraftField | undefined, field: DraftField): DraftObject {
  if (!before) return { ...object, fields: [...object.fields, field] };
  const same = (f: DraftField) => (f.id ?? f.apiName) === (before.id ?? before.apiName);
  return {
    ...object,
    nameField: object.nameField === before.apiName ? field.apiName : object.nameField,
    fields: object.fields.map((f) => (same(f) ? field : f)),
  };
}

/** What people read, not the column: changing only these never gives the planner anything to do. */
const TEXTS = ['label', 'helpText', 'description'];

/** Whether an edit of a field reaches the schema (type, API name, settings), so is worth planning. */
export function reachesSchema(before: DraftField, after: DraftField): boolean {
  return canonical(before) !== canonical(after);
}

const canonical = (field: DraftField) =>
  JSON.stringify(field, (key, value: unknown) =>
    TEXTS.includes(key)
      ? undefined
      : value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
        : value,
  );
