import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JsonSchema } from '../fields/field-type.js';
import { FIELD_TYPE_DEFS, FIELD_TYPES, type FieldType } from '../fields/index.js';

/**
 * The field types as a client building fields sees them (GET /api/v1/meta/field-types): each
 * type's own settings as one self-contained JSON Schema object, straight from its module, so the
 * studio draws every settings form from it and no form is written per type.
 */

export interface FieldTypeEntry {
  type: FieldType;
  /** JSON Schema (2020-12) of the type's settings: an object, references inlined. */
  settings: JsonSchema;
  /** The runtime UI widget that edits values of this type. */
  widget: string;
  /** The engine computes the value (autonumber, formula, rollup). */
  readOnly: boolean;
  /** It can be an object's name field. */
  nameField: boolean;
  /** It points at a record of its `target` object. */
  relation: boolean;
  /** A value is a list of choices. */
  multiValued: boolean;
}

const LABEL_FILE = fileURLToPath(new URL('../../../metadata/schemas/label.schema.json', import.meta.url));

/** Replaces `$ref: 'label.schema.json'` with the label schema, keeping the referrer's description. */
function inlineLabels(schema: unknown, label: JsonSchema): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inlineLabels(s, label));
  if (!schema || typeof schema !== 'object') return schema;
  const { $ref, ...rest } = schema as Record<string, unknown>;
  const inlined = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, inlineLabels(v, label)]));
  return $ref === 'label.schema.json' ? { ...label, ...inlined } : { ...($ref ? { $ref } : {}), ...inlined };
}

function buildCatalog(): FieldTypeEntry[] {
  const { $schema: _s, $id: _i, title: _t, ...label } = JSON.parse(fs.readFileSync(LABEL_FILE, 'utf8')) as JsonSchema;
  return FIELD_TYPES.map((type) => {
    const def = FIELD_TYPE_DEFS[type];
    return {
      type,
      settings: {
        type: 'object',
        properties: inlineLabels(def.settings, label),
        ...(def.requiredSettings ? { required: def.requiredSettings } : {}),
        additionalProperties: false,
      },
      widget: def.widget,
      readOnly: def.readOnly === true,
      nameField: def.nameField === true,
      relation: def.relation !== undefined,
      multiValued: def.multiValued === true,
    };
  });
}

export const FIELD_TYPE_CATALOG: readonly FieldTypeEntry[] = Object.freeze(buildCatalog());
