import { ITEM_KINDS } from '../../metadata/kinds.js';
import type { ItemKind } from '../../metadata/types.js';
import {
  forbidden,
  headerRef,
  json,
  parameterRef,
  problemResponses,
  ref,
  type ForbiddenCode,
  type Paths,
} from './operation.js';

/**
 * The metadata API: objects and the other kinds in the draft (one entry per kind of kinds.ts, so
 * a new kind fails to compile here until it is documented), publish, releases, the archive, and
 * the current release as the runtime UI reads it.
 */

interface KindDoc {
  /** The component of its definition (meta-schemas.ts). */
  schema: string;
  one: string;
  many: string;
  /** The system permission changing it needs (api/meta-guard.ts). */
  permission: 'manageMetadata' | 'manageUsers';
  /** Further reasons a change is refused with 403. */
  refusals: Exclude<ForbiddenCode, 'csrf' | 'systemPermission'>[];
  /** Items belong to one object, and the list can be narrowed to it. */
  byObject: boolean;
}

export const KIND_DOCS: Record<'object' | ItemKind, KindDoc> = {
  object: {
    schema: 'ObjectDefinition',
    one: 'object',
    many: 'objects',
    permission: 'manageMetadata',
    refusals: [],
    byObject: false,
  },
  layout: {
    schema: 'LayoutDefinition',
    one: 'layout',
    many: 'layouts',
    permission: 'manageMetadata',
    refusals: [],
    byObject: true,
  },
  listView: {
    schema: 'ListViewDefinition',
    one: 'list view',
    many: 'list views',
    permission: 'manageMetadata',
    refusals: [],
    byObject: true,
  },
  dashboard: {
    schema: 'DashboardDefinition',
    one: 'dashboard',
    many: 'dashboards',
    permission: 'manageMetadata',
    refusals: [],
    byObject: false,
  },
  role: {
    schema: 'RoleDefinition',
    one: 'role',
    many: 'roles',
    permission: 'manageUsers',
    refusals: ['roleHierarchy'],
    byObject: false,
  },
  group: {
    schema: 'GroupDefinition',
    one: 'group',
    many: 'groups',
    permission: 'manageUsers',
    refusals: [],
    byObject: false,
  },
  permissionSet: {
    schema: 'PermissionSetDefinition',
    one: 'permission set',
    many: 'permission sets',
    permission: 'manageUsers',
    refusals: ['grantBeyondOwn'],
    byObject: false,
  },
  workflow: {
    schema: 'WorkflowDefinition',
    one: 'workflow',
    many: 'workflows',
    permission: 'manageMetadata',
    refusals: ['automationGrant'],
    byObject: true,
  },
  approvalProcess: {
    schema: 'ApprovalProcessDefinition',
    one: 'approval process',
    many: 'approval processes',
    permission: 'manageMetadata',
    refusals: [],
    byObject: true,
  },
};

/** The URL segment of each kind under /api/v1/meta. */
export const kindPath = (kind: 'object' | ItemKind) => (kind === 'object' ? 'objects' : ITEM_KINDS[kind].path);

function kindPaths(kind: 'object' | ItemKind): Paths {
  const { schema, one, many, permission, refusals, byObject } = KIND_DOCS[kind];
  const tags = ['Metadata'];
  const segment = kindPath(kind);
  const a = /^[aeiou]/.test(one) ? 'an' : 'a';
  const nameParam = {
    name: 'apiName',
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' },
  };
  const refused = forbidden(refusals, [permission]);
  // The draft is read by those who manage metadata or users; everyone else reads /meta/runtime.
  const read = forbidden([], ['manageMetadata', 'manageUsers']);
  return {
    [`/api/v1/meta/${segment}`]: {
      get: {
        operationId: `list${schema}s`,
        summary: `List ${many} in the draft`,
        tags,
        ...(byObject
          ? {
              parameters: [
                {
                  name: 'object',
                  in: 'query',
                  required: false,
                  description: 'Only those of this object.',
                  schema: { type: 'string' },
                },
              ],
            }
          : {}),
        responses: {
          200: {
            description: `The draft's ${many}.`,
            content: json({
              type: 'object',
              required: ['data'],
              properties: { data: { type: 'array', items: ref(schema) } },
            }),
          },
          ...problemResponses('Unauthorized', read),
        },
      },
      post: {
        operationId: `create${schema}`,
        summary: `Add ${a} ${one} to the draft`,
        tags,
        description: `Nothing is live until the draft is published. The server assigns missing ids. Needs ${permission}.`,
        requestBody: { required: true, content: json(ref(schema)) },
        responses: {
          201: {
            description: `The stored ${one}, with ids.`,
            headers: { ETag: headerRef('DraftETag') },
            content: json(ref(schema)),
          },
          ...problemResponses('BadRequest', 'Unauthorized', refused, 'Conflict', 'ValidationFailed'),
        },
      },
    },
    [`/api/v1/meta/${segment}/{apiName}`]: {
      parameters: [nameParam],
      get: {
        operationId: `get${schema}`,
        summary: `Get ${a} ${one} from the draft`,
        tags,
        description: `The ETag changes whenever the ${one} does, also when the engine rewrites it for another change (a renamed field). Send it back as If-Match to save or delete.`,
        responses: {
          200: { description: `The ${one}.`, headers: { ETag: headerRef('DraftETag') }, content: json(ref(schema)) },
          ...problemResponses('Unauthorized', read, 'NotFound'),
        },
      },
      put: {
        operationId: `replace${schema}`,
        summary: `Replace ${a} ${one} in the draft`,
        tags,
        description: `The body is the whole definition. Keep the ids: a changed apiName with the same id is a rename, not a new item. With If-Match, refused (412) when someone changed the ${one} since it was read. Needs ${permission}.`,
        parameters: [parameterRef('DraftIfMatch')],
        requestBody: { required: true, content: json(ref(schema)) },
        responses: {
          200: {
            description: `The stored ${one}.`,
            headers: { ETag: headerRef('DraftETag') },
            content: json(ref(schema)),
          },
          ...problemResponses(
            ['BadRequest', 'The body is not JSON, or If-Match is not a list of entity tags.'],
            'Unauthorized',
            refused,
            'NotFound',
            'Conflict',
            ['PreconditionFailed', `If-Match is not the ${one}'s ETag: someone changed it since; nothing was saved.`],
            'ValidationFailed',
          ),
        },
      },
      delete: {
        operationId: `delete${schema}`,
        summary: `Delete ${a} ${one} from the draft`,
        tags,
        description: `With If-Match, refused (412) when someone changed the ${one} since it was read. Needs ${permission}.`,
        parameters: [parameterRef('DraftIfMatch')],
        responses: {
          204: { description: 'Deleted from the draft.' },
          ...problemResponses(
            ['BadRequest', 'If-Match is not a list of entity tags.'],
            'Unauthorized',
            refused,
            'NotFound',
            'Conflict',
            ['PreconditionFailed', `If-Match is not the ${one}'s ETag: someone changed it since; nothing was deleted.`],
          ),
        },
      },
    },
  };
}

export function metaPaths(): Paths {
  const tags = ['Metadata'];
  const releaseParam = {
    name: 'n',
    in: 'path',
    required: true,
    description: 'Release number.',
    schema: { type: 'integer', minimum: 1 },
  };
  const dryRunParam = {
    name: 'dryRun',
    in: 'query',
    required: false,
    description: 'Answer the plan without applying it.',
    schema: { type: 'boolean', default: false },
  };
  const publishOutcome = {
    200: {
      description: 'Dry run: the diff and the plan, nothing applied.',
      headers: {
        ETag: {
          description:
            'The plan drawn, quoted (also `planTag` in the body); send it back as If-Match to apply this plan and no other.',
          schema: { type: 'string' },
        },
      },
      content: json(ref('PublishResult')),
    },
    201: {
      description: 'Published: the new release, its diff and the plan that was applied.',
      content: json(ref('PublishResult')),
    },
  };
  // Publish and rollback compare it with the plan they would apply, under the publish lock.
  const planIfMatch = {
    name: 'If-Match',
    in: 'header',
    required: false,
    description:
      "The ETag of the dry run whose plan you read; refused with 412 when the draft or the current release changed since, so another admin's edits are never published unread. `*` or no header: no check.",
    schema: { type: 'string' },
  };
  const stalePlan = [
    'PreconditionFailed',
    "If-Match is not the plan's tag: the draft or the releases changed since the dry run; nothing was published.",
  ] as const;
  const manage = forbidden([], ['manageMetadata']);
  const read = forbidden([], ['manageMetadata', 'manageUsers']);
  const anyone = forbidden();
  return {
    '/api/v1/meta/runtime': {
      get: {
        operationId: 'getRuntimeMetadata',
        summary: 'The current release as the UI draws it',
        tags,
        description:
          "Objects and fields with what the engine allows on each (filter operators, sorting, read-only, default widget), layouts, list views and dashboards of the published release, trimmed to the caller: only objects they may read or create, only fields they may read, and the views and dashboard widgets of those. Rule conditions, formulas and sharing settings stay on the server. The ETag names the release and the caller's grants: send it as If-None-Match to get 304 until either changes.",
        parameters: [parameterRef('IfNoneMatch')],
        responses: {
          200: {
            description: 'The current release as this caller may see it.',
            headers: { ETag: headerRef('RuntimeETag') },
            content: json(ref('RuntimeMetadata')),
          },
          304: { description: "Neither the release nor the caller's grants changed since the ETag sent." },
          ...problemResponses('Unauthorized', anyone),
        },
      },
    },
    ...Object.keys(KIND_DOCS).reduce<Paths>(
      (paths, kind) => Object.assign(paths, kindPaths(kind as keyof typeof KIND_DOCS)),
      {},
    ),
    '/api/v1/meta/publish': {
      post: {
        operationId: 'publish',
        summary: 'Publish the draft',
        tags,
        description:
          'Turns the draft into a numbered release and changes the tables to match, in one transaction. A plan with lossy steps is refused (409) unless confirmLossy is true. With If-Match (the ETag of a dry run), refused (412) unless the draft and the current release are still those that dry run planned. Needs manageMetadata.',
        parameters: [dryRunParam, planIfMatch],
        requestBody: { required: false, content: json(ref('PublishOptions')) },
        responses: {
          ...publishOutcome,
          ...problemResponses(
            ['BadRequest', 'A bad parameter, or If-Match is not a list of entity tags.'],
            'Unauthorized',
            manage,
            'Conflict',
            stalePlan,
            'ValidationFailed',
          ),
        },
      },
    },
    '/api/v1/meta/objects/{apiName}/plan': {
      post: {
        operationId: 'planObjectDefinition',
        summary: 'What publishing would do to an object were this definition saved',
        tags,
        description:
          "Asks the schema planner about a proposed definition of an object without storing it: the body is checked as `PUT /api/v1/meta/objects/{apiName}` checks it (same 4xx), then the draft holding it is dry-run published, and both are rolled back, so the draft and its ETags stay as they were. The answer lists the steps of the object's table as a dry-run publish would (a changed type with the rows whose value would be lost, a rename, a blocked step and why); a step the data does not allow, or a type change with no conversion, makes the verdict blocked instead of a 409 or 422. Needs manageMetadata, and manageUsers when the body changes the object's sharing.",
        parameters: [
          {
            name: 'apiName',
            in: 'path',
            required: true,
            description: "The object's API name in the draft (before a rename the body proposes).",
            schema: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' },
          },
          parameterRef('DraftIfMatch'),
        ],
        requestBody: { required: true, content: json(ref('ObjectDefinition')) },
        responses: {
          200: { description: 'The verdict and the steps; nothing was stored.', content: json(ref('ObjectPlan')) },
          ...problemResponses(
            ['BadRequest', 'The body is not JSON, or If-Match is not a list of entity tags.'],
            'Unauthorized',
            forbidden([], ['manageMetadata']),
            'NotFound',
            [
              'Conflict',
              'The definition clashes with another object, or a step could not be planned; nothing was stored.',
            ],
            ['PreconditionFailed', "If-Match is not the object's ETag: someone changed it since."],
            ['ValidationFailed', 'The definition is refused as a save would refuse it, or the rest of the draft is.'],
          ),
        },
      },
    },
    '/api/v1/meta/releases': {
      get: {
        operationId: 'listReleases',
        summary: 'List releases',
        tags,
        responses: {
          200: {
            description: 'Every release, newest first.',
            content: json({
              type: 'object',
              required: ['data'],
              properties: { data: { type: 'array', items: ref('ReleaseSummary') } },
            }),
          },
          ...problemResponses('Unauthorized', read),
        },
      },
    },
    '/api/v1/meta/releases/{n}': {
      get: {
        operationId: 'getRelease',
        summary: 'Get a release',
        tags,
        parameters: [releaseParam],
        responses: {
          200: { description: 'The release with its snapshot, diff and plan.', content: json(ref('Release')) },
          ...problemResponses('BadRequest', 'Unauthorized', read, 'NotFound'),
        },
      },
    },
    '/api/v1/meta/releases/{n}/rollback': {
      post: {
        operationId: 'rollbackRelease',
        summary: 'Roll back to a release',
        tags,
        description:
          'Re-applies an earlier release as a new release. With If-Match (the ETag of a dry run), refused (412) when a release was published or rolled back since that dry run. Needs manageMetadata; a release with other roles, groups or permission sets than the current one only an admin rolls back to.',
        parameters: [releaseParam, dryRunParam, planIfMatch],
        requestBody: { required: false, content: json(ref('PublishOptions')) },
        responses: {
          ...publishOutcome,
          ...problemResponses(
            ['BadRequest', 'Not a release number, or If-Match is not a list of entity tags.'],
            'Unauthorized',
            forbidden(['securityRollback'], ['manageMetadata']),
            'NotFound',
            'Conflict',
            stalePlan,
            'ValidationFailed',
          ),
        },
      },
    },
    '/api/v1/meta/export': {
      get: {
        operationId: 'exportConfiguration',
        summary: 'The configuration as a zip of JSON files',
        tags,
        description:
          'One file per item, as `tessera metadata export` writes them: `objects/<apiName>.json`, a folder per other kind named as its path under /api/v1/meta (`layouts/`, `list-views/`, `workflows/` …) and the marker `tessera-config.json`. Keys sorted, 2-space indentation, a closing newline, so the same configuration always gives the same files. Workflow webhook and inbound secrets are left out. Needs manageMetadata.',
        parameters: [
          {
            name: 'release',
            in: 'query',
            required: false,
            description: 'Export this release instead of the draft.',
            schema: { type: 'integer', minimum: 1 },
          },
          {
            name: 'current',
            in: 'query',
            required: false,
            description: 'Export the current release instead of the draft.',
            schema: { type: 'boolean', default: false },
          },
        ],
        responses: {
          200: {
            description: 'The zip (Content-Disposition: attachment; filename="tessera-config.zip").',
            content: { 'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } } },
          },
          ...problemResponses('BadRequest', 'Unauthorized', manage, 'NotFound'),
        },
      },
    },
    '/api/v1/meta/import': {
      post: {
        operationId: 'importConfiguration',
        summary: 'Replace the draft with a zip of JSON files',
        tags,
        description:
          "The zip of an export (GET /api/v1/meta/export, or `tessera metadata export` zipped at its root). Every file is checked as a save of that item is (its JSON Schema, then the checks across items); errors name `<file>#<JSON pointer>`. Then the draft is replaced and the publish plan answered, or, with publish=true, published — all in one transaction: when anything is refused, the draft is as it was. Workflows without secrets keep the tenant's for the same workflow and URL. Needs manageMetadata, and manageUsers when it changes roles, groups, permission sets or an object's sharing; a permission set may grant only what the caller holds. Unpacked, a file may hold 2 MB and all of them 64 MB; paths that are absolute or climb out with `..` are refused.",
        parameters: [
          {
            name: 'publish',
            in: 'query',
            required: false,
            description: 'Publish the imported draft too.',
            schema: { type: 'boolean', default: false },
          },
          {
            name: 'confirmLossy',
            in: 'query',
            required: false,
            description: 'With publish: go ahead with steps that archive data.',
            schema: { type: 'boolean', default: false },
          },
        ],
        requestBody: {
          required: true,
          content: { 'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } } },
        },
        responses: {
          200: {
            description: 'Imported into the draft, not published: the diff and the plan a publish would apply.',
            content: json(ref('PublishResult')),
          },
          201: { description: 'Imported and published: the new release.', content: json(ref('PublishResult')) },
          ...problemResponses(
            ['BadRequest', 'Not a zip, or an entry whose path is absolute or climbs out.'],
            'Unauthorized',
            forbidden(['grantBeyondOwn', 'roleHierarchy', 'automationGrant'], ['manageMetadata', 'manageUsers']),
            [
              'Conflict',
              'Publishing was refused (lossy without confirmLossy, or blocked by the data); nothing was changed.',
            ],
            ['PayloadTooLarge', 'The zip, or what it unpacks to, is larger than allowed.'],
            ['UnsupportedMediaType', 'The body is not application/zip.'],
            ['ValidationFailed', 'A file is refused: `field` is `<file>#<JSON pointer>`. Nothing was changed.'],
          ),
        },
      },
    },
    '/api/v1/meta/archive': {
      get: {
        operationId: 'listArchive',
        summary: 'List archived fields and objects',
        tags,
        responses: {
          200: {
            description: 'Archived items that can be restored.',
            content: json({
              type: 'object',
              required: ['data'],
              properties: { data: { type: 'array', items: ref('ArchiveEntry') } },
            }),
          },
          ...problemResponses('Unauthorized', read),
        },
      },
    },
    '/api/v1/meta/archive/{n}/restore': {
      post: {
        operationId: 'restoreArchived',
        summary: 'Restore an archived field or object into the draft',
        tags,
        description: 'Needs manageMetadata.',
        parameters: [{ ...releaseParam, description: 'Archive entry number.' }],
        responses: {
          200: {
            description: 'The object as it now stands in the draft; the next publish brings the data back.',
            content: json({
              type: 'object',
              required: ['kind', 'object'],
              properties: { kind: { enum: ['object', 'field'] }, object: ref('ObjectDefinition') },
            }),
          },
          ...problemResponses('BadRequest', 'Unauthorized', manage, 'NotFound', 'Conflict'),
        },
      },
    },
  };
}
