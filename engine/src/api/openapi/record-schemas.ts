import type { JsonSchema } from '../../fields/field-type.js';
import { hasComputedDefault } from '../../fields/index.js';
import type { CompiledField, CompiledObject } from '../../metadata/compile.js';
import { checkUpsertOn, MAX_BULK } from '../../records/bulk.js';
import { SYSTEM_OUTPUT } from '../../query/record-json.js';
import { english, ref } from './operation.js';

/**
 * The schemas of one object's records, from its compiled fields: as reads answer them, as creates
 * and updates take them, a list page, a lookup expanded by `fields`, and a bulk request.
 * OpenAPI 3.1 schemas are JSON Schema 2020-12, the dialect the field types already speak, so a
 * field's valueSchema() goes into the document as it is.
 */

/** apiName → the stem of the object's schema names and operationIds (support_case → SupportCase). */
export type Stems = ReadonlyMap<string, string>;

const UUID: JsonSchema = { type: 'string', format: 'uuid' };
const userId = (description: string): JsonSchema => ({ ...UUID, readOnly: true, description });
const nullableUserId = (description: string): JsonSchema => ({
  type: ['string', 'null'],
  format: 'uuid',
  readOnly: true,
  description,
});

/** Every system field a record carries; keyed by SYSTEM_OUTPUT so a new one fails to compile here. */
const SYSTEM_FIELD_SCHEMAS: Record<(typeof SYSTEM_OUTPUT)[number], JsonSchema> = {
  id: { ...UUID, readOnly: true, description: 'Record id (UUIDv7, so ids order by creation time).' },
  version: {
    type: 'integer',
    minimum: 1,
    readOnly: true,
    description: 'Goes up by one on every change; the ETag, and what If-Match compares.',
  },
  owner_id: userId('The user who owns the record.'),
  created_at: { type: 'string', format: 'date-time', readOnly: true, description: 'When the record was created.' },
  created_by: nullableUserId('The user who created the record.'),
  updated_at: { type: 'string', format: 'date-time', readOnly: true, description: 'When the record last changed.' },
  updated_by: nullableUserId('The user who last changed the record.'),
};

/** The fields an upsert can match on: exactly those the server's own check accepts. */
export function upsertKeys(object: CompiledObject): string[] {
  return [...object.fields.keys()].filter((name) => {
    try {
      checkUpsertOn(object, name, 'upsertOn');
      return true;
    } catch {
      return false;
    }
  });
}

function describeField(field: CompiledField): string {
  const { def } = field;
  const text = english(def.helpText) || def.description || english(def.label);
  return def.target ? `${text} (the id of the \`${def.target}\` record it points to)` : text;
}

/**
 * A field's property: its value schema, plus null when the field may be empty. A plain `type`
 * becomes a type array; anything with an enum or a const (which would also have to list null)
 * becomes anyOf.
 */
function fieldProperty(field: CompiledField, nullable: boolean, withDefault: boolean, read = false): JsonSchema {
  const value = (read && field.type.readSchema?.(field.def)) || field.type.valueSchema(field.def);
  const annotations: JsonSchema = { title: english(field.def.label), description: describeField(field) };
  if (field.type.readOnly) annotations.readOnly = true;
  // A computed default ({ formula }) is worked out per record; only a literal one is a schema default.
  const literalDefault = field.def.default !== undefined && !hasComputedDefault(field.def);
  if (withDefault && literalDefault) annotations.default = field.def.default;
  if (!nullable || Object.keys(value).length === 0) return { ...value, ...annotations };
  if (typeof value.type === 'string' && !('enum' in value) && !('const' in value)) {
    return { ...value, type: [value.type, 'null'], ...annotations };
  }
  return { anyOf: [value, { type: 'null' }], ...annotations };
}

/** A lookup as reads answer it: the id, or `{ id, … }` when `fields` names the target's fields. */
function lookupProperty(field: CompiledField, stems: Stems): JsonSchema {
  const stem = field.def.target ? stems.get(field.def.target) : undefined;
  const plain = fieldProperty(field, true, false, true);
  if (!stem) return plain;
  return {
    anyOf: [UUID, ref(`${stem}Expanded`), { type: 'null' }],
    title: plain.title,
    description: `${describeField(field)}; with \`fields=${field.def.apiName}.<field>\`, the record itself as { id, <field>, … }.`,
  };
}

function recordSchema(object: CompiledObject, stems: Stems): JsonSchema {
  const properties: Record<string, JsonSchema> = { ...SYSTEM_FIELD_SCHEMAS };
  for (const [name, field] of object.fields) {
    properties[name] = field.def.target ? lookupProperty(field, stems) : fieldProperty(field, true, false, true);
    for (const [key, companion] of Object.entries(field.type.companions ?? {}))
      properties[`${name}__${key}`] = companion.schema;
  }
  return {
    type: 'object',
    title: english(object.def.label),
    description: `${object.def.description ? `${object.def.description} ` : ''}A read answers every field, or those named in \`fields\`, plus the system fields.`,
    required: [...SYSTEM_OUTPUT],
    properties,
  };
}

/** A record reached through a lookup, as `fields=<lookup>.<field>` nests it: its id and the fields asked for. */
function expandedSchema(object: CompiledObject): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    id: { ...SYSTEM_FIELD_SCHEMAS.id, description: 'Id of the record the lookup points to.' },
  };
  for (const [name, field] of object.fields) properties[name] = fieldProperty(field, true, false, true);
  return {
    type: 'object',
    title: `${english(object.def.label)} (through a lookup)`,
    description:
      'The record a lookup points to, in place of its id, when `fields` names some of its fields: the id and those fields only.',
    required: ['id'],
    properties,
  };
}

/** The body of a create (`forCreate`) or of a partial update: writable fields, and owner_id. */
function inputSchema(object: CompiledObject, forCreate: boolean): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    owner_id: {
      ...UUID,
      description: forCreate
        ? 'Another active user to own the new record (needs modifyAll on the object); you by default. Not taken in bulk rows.'
        : 'An active user to transfer the record to (needs full access to it: owner, above the owner in the role hierarchy, or modifyAll). Taken in bulk updates by id, not in bulk create or upsert rows.',
    },
  };
  const required: string[] = [];
  for (const [name, field] of object.fields) {
    if (field.type.readOnly) continue;
    // the records service refuses null for a required field on create and on update alike
    properties[name] = fieldProperty(field, !field.def.required, forCreate);
    if (forCreate && field.def.required && field.def.default === undefined) required.push(name);
  }
  const label = english(object.def.label);
  return {
    type: 'object',
    title: forCreate ? `New ${label}` : `${label} changes`,
    description: forCreate
      ? `Field values of a new ${label}. Left-out fields take their default; system fields and read-only fields are set by the server.`
      : `The fields to change; left-out fields keep their value.`,
    ...(required.length ? { required } : {}),
    properties,
    additionalProperties: false,
  };
}

function listSchema(stem: string): JsonSchema {
  return {
    type: 'object',
    required: ['data', 'nextCursor'],
    properties: {
      data: { type: 'array', items: ref(`${stem}Record`) },
      nextCursor: {
        type: ['string', 'null'],
        description: 'Pass as `cursor` for the next page; null on the last page.',
      },
      count: {
        type: 'integer',
        minimum: 0,
        description: 'With `count`: how many records match the filter, on every page.',
      },
      countType: {
        enum: ['exact', 'estimated'],
        description: "With `count`: whether `count` was counted or is the planner's estimate.",
      },
    },
  };
}

/**
 * A bulk request creates every record, or, with `upsertOn`, updates the live record whose key
 * matches and creates the others: its rows are then changes, with the key.
 */
function bulkRequestSchema(object: CompiledObject, stem: string): JsonSchema {
  const plural = english(object.def.pluralLabel);
  const allOrNone: JsonSchema = {
    type: 'boolean',
    default: true,
    description:
      "true: one bad row refuses the request (422, each error with its row's `index`) and nothing is written. false: good rows are written, bad ones reported in `results`.",
  };
  // Bulk rows are field values only: owner_id is refused there (422), so rows are owned by the caller.
  const row = (items: string): JsonSchema => ({ ...ref(items), not: { required: ['owner_id'] } });
  const records = (items: string, description: string): JsonSchema => ({
    type: 'array',
    minItems: 1,
    maxItems: MAX_BULK,
    items: row(items),
    description,
  });
  const create: JsonSchema = {
    type: 'object',
    title: `Create ${plural}`,
    required: ['records'],
    properties: { records: records(`${stem}Input`, 'The new records.'), allOrNone },
    additionalProperties: false,
  };
  const keys = upsertKeys(object);
  if (!keys.length) return create;
  const upsert: JsonSchema = {
    type: 'object',
    title: `Upsert ${plural}`,
    required: ['records', 'upsertOn'],
    properties: {
      records: records(
        `${stem}Patch`,
        'Each row must carry the upsertOn field. A row whose key matches a live record changes it; any other row is a new record and needs the required fields.',
      ),
      upsertOn: { enum: keys, description: 'The unique field that matches rows to existing records.' },
      allOrNone,
    },
    additionalProperties: false,
  };
  return { oneOf: [create, upsert] };
}

/**
 * A bulk update names each record by id: a row is the partial-update body plus `id`, and
 * `version` to refuse the row if the record changed since it was read.
 */
function bulkUpdateRequestSchema(object: CompiledObject): JsonSchema {
  const patch = inputSchema(object, false);
  return {
    type: 'object',
    title: `Update ${english(object.def.pluralLabel)}`,
    required: ['records'],
    properties: {
      records: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_BULK,
        description: 'The changes, one row per record; each record at most once.',
        items: {
          ...patch,
          title: `${english(object.def.label)} changes, by id`,
          required: ['id'],
          properties: {
            id: {
              ...UUID,
              description:
                'The record to change. One the caller cannot see is refused as `notFound`, exactly like a missing one.',
            },
            version: {
              type: 'integer',
              minimum: 1,
              description: 'As If-Match: the row is refused (`stale`) unless the record is still at this version.',
            },
            ...(patch.properties as Record<string, JsonSchema>),
          },
        },
      },
      allOrNone: {
        type: 'boolean',
        default: true,
        description:
          "true: one bad row refuses the request (422, each error with its row's `index`) and nothing is written. false: good rows are written, bad ones reported in `results`.",
      },
    },
    additionalProperties: false,
  };
}

/** Every schema component of one object, keyed by name. */
export function objectSchemas(object: CompiledObject, stem: string, stems: Stems): Record<string, JsonSchema> {
  return {
    [`${stem}Record`]: recordSchema(object, stems),
    [`${stem}Input`]: inputSchema(object, true),
    [`${stem}Patch`]: inputSchema(object, false),
    [`${stem}List`]: listSchema(stem),
    [`${stem}BulkRequest`]: bulkRequestSchema(object, stem),
    [`${stem}BulkUpdateRequest`]: bulkUpdateRequestSchema(object),
    // Only targets of a lookup are ever expanded.
    ...(object.referencedBy.length ? { [`${stem}Expanded`]: expandedSchema(object) } : {}),
  };
}
