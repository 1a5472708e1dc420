import { FIELD_TYPE_DEFS, FIELD_TYPES } from '../fields/index.js';
import type { JsonSchema } from '../fields/field-type.js';

/**
 * field.schema.json is built from the field-type modules, so a type's settings are declared in
 * exactly one place. `npm run schemas` writes it to metadata/schemas; a test checks it is current.
 */
export function buildFieldSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://tessera.dev/schemas/field.schema.json',
    title: 'Field',
    description: 'One field of an object: a column of its table, a property of its records, an input on its forms.',
    type: 'object',
    required: ['apiName', 'type', 'label'],
    properties: {
      id: {
        type: 'string',
        pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$',
        description:
          'Stable id; never changes, so renaming the apiName renames the column instead of replacing it. Assigned when missing.',
      },
      apiName: {
        type: 'string',
        pattern: '^[a-z][a-z0-9_]{0,39}$',
        description: 'Name in the API and the column name; lower-case letters, digits and _.',
      },
      type: {
        enum: [...FIELD_TYPES],
        description: 'Field type; decides the column type, the accepted values, the filter operators and the widget.',
      },
      label: { $ref: 'label.schema.json', description: 'Name people see, per locale.' },
      required: { type: 'boolean', default: false, description: 'A record cannot be saved without a value.' },
      unique: {
        type: 'boolean',
        default: false,
        description: 'No two records may hold the same value (enforced by a unique index).',
      },
      default: { description: 'Value given to new records that leave the field out.' },
      helpText: { $ref: 'label.schema.json', description: 'Hint shown next to the input.' },
      description: { type: 'string', maxLength: 1000, description: 'What the field is for, for admins.' },
      searchable: { type: 'boolean', default: false, description: 'Included in global search.' },
      auditReads: {
        type: 'boolean',
        default: false,
        description:
          'Every time a user is shown a value of the field (a record, a list, a search, an export), the read audit records who, when and which record (GET /api/v1/read-audit).',
      },
    },
    allOf: FIELD_TYPES.map((type) => {
      const def = FIELD_TYPE_DEFS[type];
      return {
        if: { properties: { type: { const: type } }, required: ['type'] },
        then: { properties: def.settings, ...(def.requiredSettings ? { required: def.requiredSettings } : {}) },
      };
    }),
    unevaluatedProperties: false,
  };
}
