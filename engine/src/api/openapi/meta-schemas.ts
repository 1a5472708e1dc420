import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { JsonSchema } from '../../fields/field-type.js';
import { buildFieldSchema } from '../../metadata/field-schema.js';
import { ITEM_SPECS } from '../../metadata/kinds.js';
import { ref } from './operation.js';

/**
 * The metadata API's schemas: the definitions the draft holds (the meta-model's own JSON
 * Schemas, the ones the server validates with) and releases, their diffs and plans.
 */

const SCHEMA_DIR = fileURLToPath(new URL('../../../../metadata/schemas/', import.meta.url));

/** Meta-model schema files and the component each becomes. */
const META_SCHEMAS = {
  'label.schema.json': 'Label',
  'object.schema.json': 'ObjectDefinition',
  'field.schema.json': 'FieldDefinition',
  'validation-rule.schema.json': 'ValidationRuleDefinition',
  'layout.schema.json': 'LayoutDefinition',
  'list-view.schema.json': 'ListViewDefinition',
  'dashboard.schema.json': 'DashboardDefinition',
  'role.schema.json': 'RoleDefinition',
  'group.schema.json': 'GroupDefinition',
  'permission-set.schema.json': 'PermissionSetDefinition',
  'workflow.schema.json': 'WorkflowDefinition',
  'approval-process.schema.json': 'ApprovalProcessDefinition',
} as const;

/**
 * Points the meta-model's file references ("label.schema.json") at components, and a file's refs
 * into itself ("#/$defs/action") into its own component; drops $id and $schema.
 */
function localRefs(node: unknown, component: string): unknown {
  if (Array.isArray(node)) return node.map((n) => localRefs(n, component));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$id' || key === '$schema') continue;
    const [file, fragment] = typeof value === 'string' ? value.split('#') : [];
    if (key === '$ref' && file && file in META_SCHEMAS) {
      out[key] = `#/components/schemas/${META_SCHEMAS[file as keyof typeof META_SCHEMAS]}${fragment ?? ''}`;
    } else if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) {
      out[key] = `#/components/schemas/${component}/${value.slice(2)}`;
    } else {
      out[key] = localRefs(value, component);
    }
  }
  return out;
}

let metaSchemaCache: Record<string, JsonSchema> | undefined;

/**
 * The metadata documents' JSON Schemas, the same ones the server validates with: files from
 * metadata/schemas, and field.schema.json from code (like metadata/schemas.ts). They do not
 * change while the server runs, so they are read once.
 */
export function metaSchemas(): Record<string, JsonSchema> {
  if (metaSchemaCache) return metaSchemaCache;
  const out: Record<string, JsonSchema> = {};
  for (const [file, name] of Object.entries(META_SCHEMAS)) {
    const schema: unknown =
      file === 'field.schema.json' ? buildFieldSchema() : JSON.parse(fs.readFileSync(SCHEMA_DIR + file, 'utf8'));
    out[name] = localRefs(schema, name) as JsonSchema;
  }
  return (metaSchemaCache = out);
}

export const releaseSchemas: Record<string, JsonSchema> = {
  MetadataChange: {
    type: 'object',
    required: ['kind', 'id', 'apiName', 'change'],
    properties: {
      kind: { enum: ['object', 'field', 'validationRule', ...ITEM_SPECS.map((s) => s.kind)] },
      id: { type: 'string' },
      apiName: { type: 'string' },
      object: { type: 'string', description: 'The object a field or rule belongs to.' },
      change: { enum: ['added', 'removed', 'changed', 'renamed'] },
      from: { type: 'string', description: 'The previous apiName of a renamed item.' },
    },
  },
  DraftChange: {
    description:
      'A change of the draft against the current release; a changed or renamed item names its changed properties.',
    allOf: [
      ref('MetadataChange'),
      {
        type: 'object',
        properties: {
          properties: {
            type: 'array',
            items: { type: 'string' },
            description: "Top-level properties whose value differs, sorted (an object's own, not its fields').",
          },
        },
      },
    ],
  },
  PlanStep: {
    type: 'object',
    description: 'One step of the schema change a publish makes.',
    required: ['op', 'table', 'description', 'lossy', 'sql'],
    properties: {
      op: { type: 'string', description: 'What the step does: createTable, addColumn, renameColumn, archiveColumn, …' },
      table: { type: 'string' },
      column: { type: 'string' },
      description: { type: 'string' },
      lossy: { type: 'boolean', description: 'The step can lose data; publishing it needs confirmLossy.' },
      rows: { type: 'integer', description: 'How many rows the step affects, where counted.' },
      blocked: { type: 'string', description: 'Why the data does not allow the step yet.' },
      sql: { type: 'array', items: { type: 'string' } },
    },
  },
  PublishResult: {
    type: 'object',
    required: ['release', 'dryRun', 'diff', 'plan'],
    properties: {
      release: { type: ['integer', 'null'], description: 'The new release number; null on a dry run.' },
      dryRun: { type: 'boolean' },
      diff: { type: 'array', items: ref('MetadataChange') },
      plan: { type: 'array', items: ref('PlanStep') },
      planTag: {
        type: 'string',
        description:
          "Of a publish or a rollback: the plan drawn, quoted, as the dry run's ETag gives it; send it back as If-Match to apply this plan and no other.",
      },
    },
  },
  ObjectPlan: {
    type: 'object',
    description: "What publishing would do to an object's table, were a proposed definition in the draft.",
    required: ['object', 'verdict', 'plan'],
    properties: {
      object: { type: 'string', description: "The object's API name as proposed." },
      verdict: {
        enum: ['safe', 'lossy', 'blocked'],
        description: 'blocked when a step is blocked, else lossy when a step loses data, else safe.',
      },
      plan: { type: 'array', items: ref('PlanStep'), description: "The steps of the object's table." },
    },
  },
  PublishOptions: {
    type: 'object',
    properties: {
      confirmLossy: {
        type: 'boolean',
        default: false,
        description: 'Accept steps that archive data (a deleted field or object, a narrower type).',
      },
      dryRun: { type: 'boolean', default: false, description: 'Answer the plan without applying it.' },
    },
  },
  ReleaseSummary: {
    type: 'object',
    required: ['n', 'kind', 'sourceRelease', 'createdAt', 'createdBy', 'createdByName', 'changes', 'summary'],
    properties: {
      n: { type: 'integer', minimum: 1 },
      kind: { enum: ['publish', 'rollback'] },
      sourceRelease: { type: ['integer', 'null'], description: 'The release a rollback re-applied.' },
      createdAt: { type: 'string', format: 'date-time' },
      createdBy: { type: ['string', 'null'], format: 'uuid' },
      createdByName: { type: ['string', 'null'], description: 'The name of that user, while they exist.' },
      changes: { type: 'integer', minimum: 0 },
      summary: {
        type: 'object',
        description: 'Items per kind of change, such as { "added": 2, "changed": 1 }.',
        properties: Object.fromEntries(
          ['added', 'removed', 'changed', 'renamed'].map((c) => [c, { type: 'integer', minimum: 1 }]),
        ),
        additionalProperties: false,
      },
    },
  },
  Release: {
    type: 'object',
    required: ['n', 'kind', 'createdAt', 'snapshot', 'diff', 'plan'],
    properties: {
      n: { type: 'integer', minimum: 1 },
      kind: { enum: ['publish', 'rollback'] },
      sourceRelease: { type: ['integer', 'null'] },
      createdAt: { type: 'string', format: 'date-time' },
      snapshot: {
        type: 'object',
        description: 'The whole configuration of the release.',
        properties: {
          objects: { type: 'array', items: ref('ObjectDefinition') },
          layouts: { type: 'array', items: ref('LayoutDefinition') },
          listViews: { type: 'array', items: ref('ListViewDefinition') },
          dashboards: { type: 'array', items: ref('DashboardDefinition') },
          roles: { type: 'array', items: ref('RoleDefinition') },
          groups: { type: 'array', items: ref('GroupDefinition') },
          permissionSets: { type: 'array', items: ref('PermissionSetDefinition') },
          workflows: { type: 'array', items: ref('WorkflowDefinition') },
          approvalProcesses: { type: 'array', items: ref('ApprovalProcessDefinition') },
        },
      },
      diff: { type: 'array', items: ref('MetadataChange') },
      plan: { type: 'array', items: { type: 'object' } },
    },
  },
  RuntimeMetadata: {
    type: 'object',
    description:
      'The published release as the runtime UI draws it. Fields carry what the engine allows on them; rule conditions, formula expressions, descriptions and sharing settings are left out.',
    required: ['release', 'objects', 'layouts', 'listViews', 'dashboards'],
    properties: {
      release: { type: 'integer', minimum: 0 },
      objects: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'apiName', 'label', 'pluralLabel', 'nameField', 'fields'],
          properties: {
            id: { type: 'string' },
            apiName: { type: 'string' },
            label: ref('Label'),
            pluralLabel: ref('Label'),
            nameField: { type: 'string' },
            icon: { type: 'string' },
            approvals: {
              type: 'boolean',
              description: 'An active approval process covers its records (POST …/{id}/approval submits one).',
            },
            fields: {
              type: 'array',
              items: {
                type: 'object',
                description: "The field's definition, and what the engine allows on it.",
                required: ['apiName', 'type', 'operators', 'sortable', 'readOnly', 'widget'],
                properties: {
                  apiName: { type: 'string' },
                  type: { type: 'string' },
                  operators: {
                    type: 'array',
                    items: { type: 'string' },
                    description: 'The filter operators it takes.',
                  },
                  sortable: { type: 'boolean' },
                  readOnly: { type: 'boolean' },
                  widget: { type: 'string', description: 'The default widget of its type.' },
                },
              },
            },
          },
        },
      },
      layouts: { type: 'array', items: ref('LayoutDefinition') },
      listViews: { type: 'array', items: ref('ListViewDefinition') },
      dashboards: { type: 'array', items: ref('DashboardDefinition') },
      actions: {
        type: 'array',
        description:
          'Active manual workflows on objects the caller sees: buttons for record pages and list rows (POST /api/v1/automation/workflows/{apiName}/run).',
        items: {
          type: 'object',
          required: ['apiName', 'label', 'object'],
          properties: { apiName: { type: 'string' }, label: ref('Label'), object: { type: 'string' } },
        },
      },
    },
  },
  ArchiveEntry: {
    type: 'object',
    required: ['n', 'kind', 'id', 'apiName', 'release', 'archivedAt', 'definition'],
    properties: {
      n: { type: 'integer', minimum: 1 },
      kind: { enum: ['object', 'field'] },
      id: { type: 'string' },
      objectId: { type: ['string', 'null'] },
      apiName: { type: 'string' },
      release: { type: 'integer' },
      archivedAt: { type: 'string', format: 'date-time' },
      definition: { type: 'object' },
    },
  },
};
