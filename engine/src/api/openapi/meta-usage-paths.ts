import { forbidden, json, problemResponses, type Paths } from './operation.js';

/**
 * What the studio reads besides the draft: the field types with their settings schemas, records
 * per object, and what names an object or field before it is deleted.
 */

const USAGE_KINDS = [
  'object',
  'lookup',
  'formula',
  'rollup',
  'validationRule',
  'sharingRule',
  'layout',
  'listView',
  'dashboard',
  'workflow',
  'approvalProcess',
  'permissionSet',
];

/** One key of an index: the field (or system column) and its direction. */
const INDEX_COLUMN = {
  type: 'object',
  required: ['field', 'desc'],
  properties: { field: { type: 'string' }, desc: { type: 'boolean' } },
};

const apiNameParam = (name: string, required: boolean, description: string) => ({
  name,
  in: 'query',
  required,
  description,
  schema: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' },
});

export function metaUsagePaths(): Paths {
  const tags = ['Metadata'];
  const read = forbidden([], ['manageMetadata', 'manageUsers']);
  return {
    '/api/v1/meta/field-types': {
      get: {
        operationId: 'listFieldTypes',
        summary: 'Field types and their settings',
        tags,
        description:
          "Every field type with the JSON Schema of its own settings (maxLength, values, target …), as the type's module declares it: what a form for a new field of the type asks.",
        responses: {
          200: {
            description: 'One entry per field type.',
            content: json({
              type: 'object',
              required: ['data'],
              properties: {
                data: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['type', 'settings', 'widget', 'readOnly', 'nameField', 'relation', 'multiValued'],
                    properties: {
                      type: { type: 'string', description: 'The field type.' },
                      settings: { type: 'object', description: "JSON Schema (2020-12) of the type's settings." },
                      widget: { type: 'string', description: 'The runtime UI widget for its values.' },
                      readOnly: { type: 'boolean', description: 'The engine computes the value.' },
                      nameField: { type: 'boolean', description: "It can be an object's name field." },
                      relation: { type: 'boolean', description: 'It points at a record of its target object.' },
                      multiValued: { type: 'boolean', description: 'A value is a list of choices.' },
                    },
                  },
                },
              },
            }),
          },
          ...problemResponses('Unauthorized', read),
        },
      },
    },
    '/api/v1/meta/record-counts': {
      get: {
        operationId: 'getRecordCounts',
        summary: 'Records per object',
        tags,
        description:
          "How many records each object of the current release holds, outside the recycle bin: counted exactly below 100,000 rows, past that PostgreSQL's estimate (its statistics, refreshed by autovacuum), so the page never scans a large table.",
        responses: {
          200: {
            description: 'Object API name → number of records.',
            content: json({
              type: 'object',
              required: ['data'],
              properties: { data: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } } },
            }),
          },
          ...problemResponses('Unauthorized', read),
        },
      },
    },
    '/api/v1/meta/objects/{apiName}/indexes': {
      get: {
        operationId: 'getObjectIndexes',
        summary: "An object's indexes, and the list shapes they follow",
        tags,
        description:
          "Every index on the object's table with its size, scans and origin (primary key, unique field, the schema's own, or built by the engine for a list view or for the sorts and filters users run), and every list shape the engine has counted with its verdict. Shapes run at least three times, and those of published list views, get an index once the table holds `minRows` rows, at most `perObject` per object; one unused for `unusedDays` is dropped.",
        parameters: [
          {
            name: 'apiName',
            in: 'path',
            required: true,
            description: 'A published object.',
            schema: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' },
          },
        ],
        responses: {
          200: {
            description: 'The indexes and the shapes.',
            content: json({
              type: 'object',
              required: ['object', 'rows', 'minRows', 'perObject', 'unusedDays', 'data', 'shapes'],
              properties: {
                object: { type: 'string' },
                rows: { type: 'integer', description: "The planner's estimate of the table's rows." },
                minRows: { type: 'integer' },
                perObject: { type: 'integer' },
                unusedDays: { type: 'integer' },
                data: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['name', 'columns', 'origin', 'valid', 'sizeBytes', 'scans'],
                    properties: {
                      name: { type: 'string' },
                      columns: { type: 'array', items: INDEX_COLUMN },
                      origin: { type: 'string', enum: ['primary', 'unique', 'schema', 'view', 'usage'] },
                      valid: { type: 'boolean', description: 'false while a build runs, or after one failed.' },
                      sizeBytes: { type: 'integer' },
                      scans: { type: 'integer', description: 'Index scans since the statistics were last reset.' },
                      createdAt: { type: 'string', format: 'date-time' },
                      lastUsedAt: { type: 'string', format: 'date-time' },
                      buildMs: { type: 'integer' },
                    },
                  },
                },
                shapes: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['columns', 'source', 'requests', 'state'],
                    properties: {
                      columns: {
                        type: 'array',
                        items: {
                          allOf: [INDEX_COLUMN, { type: 'object', properties: { equal: { type: 'boolean' } } }],
                        },
                      },
                      source: { type: 'string', enum: ['view', 'usage'] },
                      requests: { type: 'integer' },
                      lastUsedAt: { type: 'string', format: 'date-time' },
                      state: {
                        type: 'string',
                        enum: ['indexed', 'building', 'served', 'waiting', 'small', 'capped', 'unindexable'],
                      },
                      index: { type: 'string' },
                    },
                  },
                },
              },
            }),
          },
          ...problemResponses('Unauthorized', read, 'NotFound'),
        },
      },
    },
    '/api/v1/meta/used-by': {
      get: {
        operationId: 'getUsedBy',
        summary: 'What names an object or field',
        tags,
        description:
          'Every item of the draft that names the object (or, with `field`, that field of it): lookups, formulas, rollups, validation and sharing rules, layouts, list views, dashboards, workflows, approval processes and permission sets, each with where it names it; and how many records deleting it would archive (for a field, the records holding a value in it).',
        parameters: [
          apiNameParam('object', true, 'API name of the object, in the draft.'),
          apiNameParam('field', false, 'API name of one of its fields.'),
        ],
        responses: {
          200: {
            description: 'What names it, and the records it holds.',
            content: json({
              type: 'object',
              required: ['object', 'usedBy', 'published', 'records'],
              properties: {
                object: { type: 'string' },
                field: { type: 'string' },
                usedBy: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['kind', 'apiName', 'places'],
                    properties: {
                      kind: { enum: USAGE_KINDS, description: 'What kind of item names it.' },
                      apiName: { type: 'string', description: "The item's API name." },
                      object: { type: 'string', description: 'The object the item belongs to.' },
                      places: {
                        type: 'array',
                        items: { type: 'string' },
                        description: 'Where in the item: section, columns, filter, condition, expression …',
                      },
                    },
                  },
                },
                published: {
                  type: 'boolean',
                  description: 'It has a table (a column) in the current release; false: only in the draft.',
                },
                records: {
                  type: 'integer',
                  minimum: 0,
                  description: 'Records deleting it would archive (outside the recycle bin).',
                },
              },
            }),
          },
          ...problemResponses(
            [
              'BadRequest',
              '`object` is missing, or `object` or `field` is not an API name (`errors[].field` says which).',
            ],
            'Unauthorized',
            read,
            ['NotFound', 'The draft has no such object, or the object no such field (`errors[].field` says which).'],
          ),
        },
      },
    },
    '/api/v1/meta/roles/{role}/field-access': {
      get: {
        operationId: 'getRoleFieldAccess',
        summary: "What a role's users may do with an object's fields",
        tags,
        description:
          "For the studio's layout preview (preview as role): the union of the grants of the permission sets held by the role's active users (all access when one of them is an admin), per field of the object in the draft. Grants are the current release's; a field only the draft has follows its object's access.",
        parameters: [
          {
            name: 'role',
            in: 'path',
            required: true,
            description: 'API name of a published role.',
            schema: { type: 'string' },
          },
          apiNameParam('object', true, 'API name of the object, in the draft.'),
        ],
        responses: {
          200: {
            description: "The role's access to the object and each of its fields.",
            content: json({
              type: 'object',
              required: ['role', 'object', 'users', 'read', 'edit', 'fields'],
              properties: {
                role: { type: 'string' },
                object: { type: 'string' },
                users: { type: 'integer', minimum: 0, description: 'Active users holding the role.' },
                read: { type: 'boolean', description: "The role's users may read records of the object." },
                edit: { type: 'boolean', description: 'They may create or edit records of the object.' },
                fields: {
                  type: 'object',
                  description: 'Field API name → read and edit.',
                  additionalProperties: {
                    type: 'object',
                    required: ['read', 'edit'],
                    properties: { read: { type: 'boolean' }, edit: { type: 'boolean' } },
                  },
                },
              },
            }),
          },
          ...problemResponses(['BadRequest', '`object` is missing (`errors[].field` says so).'], 'Unauthorized', read, [
            'NotFound',
            'No published role of that name, or no object of that name in the draft.',
          ]),
        },
      },
    },
  };
}
