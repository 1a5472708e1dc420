import type { JsonSchema } from '../../fields/field-type.js';
import { SYSTEM_PERMISSIONS } from '../../metadata/types.js';
import { ref } from './operation.js';

/**
 * Schemas of the security endpoints: sessions and API tokens, users and their grants, the setup
 * audit, tenants, and one record's history, shares and access explanation.
 */

const UUID: JsonSchema = { type: 'string', format: 'uuid' };
const DATE_TIME: JsonSchema = { type: 'string', format: 'date-time' };
const API_NAME = '^[a-z][a-z0-9_]{0,39}$';
/** An e-mail as the users service and the tenant registry check it (before trimming it). */
const EMAIL: JsonSchema = {
  type: 'string',
  pattern: '^[^\\s@]{1,64}@[^\\s@]{1,255}$',
  description: 'An e-mail address.',
};
/** Tenant names (tenants/registry.ts), besides not being a reserved word. */
export const TENANT_NAME = '^(?!pg_)(?!.*__)[a-z][a-z0-9_]{1,29}$';
export const MAX_AUDIT_LIMIT = 500;
export const MAX_USER_LIMIT = 500;

const systemPermission: JsonSchema = { enum: [...SYSTEM_PERMISSIONS] };
const names = (description: string): JsonSchema => ({
  type: 'array',
  items: { type: 'string', pattern: API_NAME },
  description,
});
// Which roles, groups and permission sets exist is not listed here: the document is public, and
// the names of a tenant's roles and groups say how it is organised. They are described instead.

export const authSchemas: Record<string, JsonSchema> = {
  LoginRequest: {
    type: 'object',
    required: ['email', 'password'],
    properties: {
      email: { type: 'string', format: 'email' },
      password: { type: 'string', format: 'password' },
      tenant: {
        type: 'string',
        pattern: '^(?:[a-z][a-z0-9_]{1,29})?$',
        description:
          'The tenant to log in to; the default tenant when left out or empty. An unknown tenant is answered like a wrong password (401).',
      },
    },
  },
  User: {
    type: 'object',
    required: ['id', 'email', 'name', 'isAdmin'],
    properties: {
      id: UUID,
      email: { type: 'string', format: 'email' },
      name: { type: 'string' },
      isAdmin: { type: 'boolean' },
    },
  },
  Session: {
    type: 'object',
    required: ['token', 'expiresAt', 'user'],
    properties: {
      token: {
        type: 'string',
        description:
          "Send it as `Authorization: Bearer <token>`. A tenant's tokens start with its name and a dot (`acme.…`); the default tenant's have no prefix.",
      },
      expiresAt: {
        ...DATE_TIME,
        description: 'When the token and the cookie stop working (TESSERA_SESSION_HOURS after login).',
      },
      user: ref('User'),
    },
  },
  ObjectGrant: {
    type: 'object',
    description:
      "What the caller may do with an object's records, all permission sets together: modifyAll implies viewAll, viewAll implies read, and edit or delete imply read.",
    required: ['read', 'create', 'edit', 'delete', 'viewAll', 'modifyAll'],
    properties: Object.fromEntries(
      ['read', 'create', 'edit', 'delete', 'viewAll', 'modifyAll'].map((k) => [k, { type: 'boolean' }]),
    ),
  },
  CurrentUser: {
    type: 'object',
    description:
      'The signed-in user and everything they may do. The server checks the same grants on every request; this copy is for drawing screens.',
    required: ['id', 'email', 'name', 'isAdmin', 'role', 'permissionSets', 'groups', 'permissions'],
    properties: {
      id: UUID,
      email: { type: 'string', format: 'email' },
      name: { type: 'string' },
      isAdmin: { type: 'boolean', description: 'The superuser: every permission on every object, field and record.' },
      role: { type: ['string', 'null'], description: 'Their role in the hierarchy.' },
      permissionSets: names('The permission sets they hold.'),
      groups: names('The groups they belong to.'),
      permissions: {
        type: 'object',
        required: ['objects', 'fields', 'system'],
        properties: {
          objects: {
            type: 'object',
            additionalProperties: ref('ObjectGrant'),
            description: 'Object apiName → grant, for each object they may read or create; others are left out.',
          },
          fields: {
            type: 'object',
            description:
              'Object apiName → field apiName → access, for the same objects: only the fields they may read. Any other field is absent from every answer, this one included.',
            additionalProperties: {
              type: 'object',
              additionalProperties: {
                type: 'object',
                required: ['read', 'edit'],
                properties: { read: { type: 'boolean' }, edit: { type: 'boolean' } },
              },
            },
          },
          system: { type: 'array', items: systemPermission, description: 'The system permissions they hold.' },
        },
      },
    },
  },
  ApiToken: {
    type: 'object',
    description: 'A named API token, without its secret (only its hash is kept).',
    required: ['id', 'name', 'createdAt', 'expiresAt'],
    properties: { id: UUID, name: { type: 'string' }, createdAt: DATE_TIME, expiresAt: DATE_TIME },
  },
  NewApiToken: {
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties: {
      name: {
        type: 'string',
        minLength: 1,
        maxLength: 100,
        pattern: '\\S',
        description: 'What the token is for, such as "ERP sync"; stored trimmed.',
      },
      days: { type: 'integer', minimum: 1, maximum: 366, default: 90, description: 'How long the token lasts.' },
    },
  },
  CreatedApiToken: {
    type: 'object',
    required: ['id', 'name', 'token', 'expiresAt'],
    properties: {
      id: { ...UUID, description: 'Revoke it with DELETE /api/v1/auth/tokens/{id}.' },
      name: { type: 'string' },
      token: {
        type: 'string',
        description: 'The secret, shown this once: send it as `Authorization: Bearer <token>`.',
      },
      expiresAt: DATE_TIME,
    },
  },
};

const grantProperties: Record<string, JsonSchema> = {
  role: {
    type: ['string', 'null'],
    pattern: API_NAME,
    description:
      'A published role (GET /api/v1/meta/roles), or null for none; another name is refused (422). Only a role below your own, unless you are an admin.',
  },
  permissionSets: names(
    'Published permission sets (GET /api/v1/meta/permission-sets); another name is refused (422). Only sets whose every grant you hold yourself, unless you are an admin.',
  ),
  groups: names(
    'Published groups (GET /api/v1/meta/groups); another name is refused (422). Only groups you belong to yourself, unless you are an admin.',
  ),
  active: {
    type: 'boolean',
    description: 'false: the user can no longer log in, and every session and API token they have ends at once.',
  },
  isAdmin: { type: 'boolean', description: 'The superuser flag; only an admin gives or takes it.' },
};
const userInput = (forCreate: boolean): JsonSchema => ({
  type: 'object',
  ...(forCreate ? { required: ['email', 'password', 'name'] } : {}),
  additionalProperties: false,
  description: forCreate
    ? 'A new user. Unknown properties are refused (400).'
    : 'The properties to change. Nobody changes their own grants (role, permissionSets, groups, active, isAdmin); changing another user needs manageUsers.',
  properties: {
    email: {
      ...EMAIL,
      pattern: '^\\s*[^\\s@]{1,64}@[^\\s@]{1,255}\\s*$',
      description: 'Unique; stored trimmed and in lower case.',
    },
    password: {
      type: 'string',
      format: 'password',
      minLength: 10,
      maxLength: 200,
      description: forCreate
        ? 'Hashed with argon2; never answered.'
        : 'A new password ends every session and API token of the user.',
    },
    ...(forCreate
      ? {}
      : {
          currentPassword: { type: 'string', format: 'password', description: 'Needed to change your own password.' },
        }),
    name: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S', description: 'Stored trimmed.' },
    ...grantProperties,
  },
});

export const userSchemas: Record<string, JsonSchema> = {
  UserAccount: {
    type: 'object',
    description:
      'A user. Everyone signed in may look users up (owner pickers); grants and dates are answered only to holders of manageUsers and to the user themselves.',
    required: ['id', 'email', 'name', 'active'],
    properties: {
      id: UUID,
      email: { type: 'string', format: 'email' },
      name: { type: 'string' },
      active: { type: 'boolean' },
      isAdmin: { type: 'boolean' },
      role: { type: ['string', 'null'] },
      permissionSets: { type: 'array', items: { type: 'string' } },
      groups: { type: 'array', items: { type: 'string' } },
      createdAt: DATE_TIME,
      updatedAt: DATE_TIME,
    },
  },
  NewUser: userInput(true),
  UserChanges: userInput(false),
  AuditEntry: {
    type: 'object',
    description: 'One setup change. The trail is append-only: no API changes or deletes it.',
    required: ['seq', 'at', 'userId', 'userName', 'action', 'target', 'detail'],
    properties: {
      seq: {
        type: 'integer',
        minimum: 1,
        description: 'Sequence number; pass the last one you have as `before` for older entries.',
      },
      at: DATE_TIME,
      userId: { type: ['string', 'null'], format: 'uuid', description: 'Who made the change.' },
      userName: { type: ['string', 'null'] },
      action: {
        type: 'string',
        description:
          '`meta.post`, `meta.put`, `meta.delete` (metadata draft, publish, rollback and restore), `user.create`, `user.update`, `token.create`, `token.revoke`, `tenant.create`.',
      },
      target: {
        type: 'string',
        description:
          'What changed: `<kind path>/<apiName>` for metadata (`permission-sets/sales_user`, `publish`), a user or token id, a tenant name.',
      },
      detail: {
        description:
          'What was sent, without passwords (a password change reads "changed"); null when there is nothing more to say.',
      },
    },
  },
  ReadAuditEntry: {
    type: 'object',
    description:
      'One record whose audited fields (`auditReads`) a user was shown. Written in the request that showed them; append-only.',
    required: ['seq', 'at', 'userId', 'userName', 'object', 'recordId', 'fields', 'action', 'via'],
    properties: {
      seq: {
        type: 'integer',
        minimum: 1,
        description: 'Sequence number; pass the last one you have as `before` for older entries.',
      },
      at: DATE_TIME,
      userId: { type: 'string', format: 'uuid', description: 'Who was shown the fields.' },
      userName: { type: ['string', 'null'] },
      object: { type: 'string', description: 'API name of the object.' },
      recordId: { type: 'string', format: 'uuid' },
      fields: { type: 'array', items: { type: 'string' }, description: 'The audited fields shown with a value.' },
      action: {
        enum: ['get', 'list', 'search', 'export', 'write'],
        description: 'How: a record read, a list page, a search, a CSV export, the answer to their own write.',
      },
      via: { type: 'string', description: 'The path the request came through (api, ui, …).' },
    },
  },
};

export const tenantSchemas: Record<string, JsonSchema> = {
  Tenant: {
    type: 'object',
    required: ['name', 'schema', 'createdAt'],
    properties: {
      name: { type: 'string', description: 'What logins name in `tenant`, and the prefix of its tokens.' },
      schema: { type: 'string', description: 'The PostgreSQL schema holding its metadata, records, users and audit.' },
      createdAt: { type: ['string', 'null'], format: 'date-time', description: 'null for the default tenant.' },
    },
  },
  NewTenant: {
    type: 'object',
    required: ['name', 'adminEmail'],
    properties: {
      name: {
        type: 'string',
        pattern: TENANT_NAME,
        not: { const: 'default' },
        description:
          '2 to 30 lower-case letters, digits and _, starting with a letter; not "default", no "__", not starting with pg_, and not a reserved word (select, user, …).',
      },
      adminEmail: { ...EMAIL, description: 'The first admin of the new tenant.' },
      adminPassword: {
        type: 'string',
        format: 'password',
        minLength: 10,
        description: 'Their password; leave it out to get a generated one in the answer.',
      },
    },
  },
  CreatedTenant: {
    type: 'object',
    required: ['name', 'schema', 'adminEmail'],
    properties: {
      name: { type: 'string' },
      schema: { type: 'string' },
      adminEmail: { type: 'string', format: 'email' },
      adminPassword: {
        type: 'string',
        description: 'The generated password of the first admin, shown this once; only when none was sent.',
      },
    },
  },
};

const GRANT_REASONS = [
  'admin',
  'modifyAll',
  'viewAll',
  'orgWideDefault',
  'owner',
  'roleHierarchy',
  'manualShare',
  'sharingRule',
];

export const sharingSchemas: Record<string, JsonSchema> = {
  HistoryEntry: {
    type: 'object',
    description:
      'One change of a record, written in the transaction of the change. Entries of fields the reader may not read are left out.',
    required: ['at', 'event', 'field', 'oldValue', 'newValue', 'userId', 'userName', 'via'],
    properties: {
      at: DATE_TIME,
      event: { enum: ['created', 'updated', 'deleted', 'restored', 'purged'] },
      field: {
        type: ['string', 'null'],
        description:
          'The field an `updated` entry is about (`owner_id` for a transfer, `amount__currency` for a currency code); null for the other events.',
      },
      oldValue: { description: 'The value before, as the API answers it; null when empty or for other events.' },
      newValue: { description: 'The value after.' },
      userId: { type: ['string', 'null'], format: 'uuid', description: 'Who made the change.' },
      userName: { type: ['string', 'null'] },
      via: {
        enum: ['api', 'ui', 'bulk', 'import', 'workflow', 'approval'],
        description:
          'The path of the change: a bearer-token request, the UI (cookie session), a bulk request or a CSV import.',
      },
    },
  },
  Share: {
    type: 'object',
    description: 'A manual share: the record is shared with one user or one group.',
    required: ['id', 'userId', 'group', 'access', 'createdBy', 'createdAt'],
    properties: {
      id: UUID,
      userId: { type: ['string', 'null'], format: 'uuid' },
      group: { type: ['string', 'null'] },
      access: { enum: ['read', 'edit'] },
      createdBy: { type: ['string', 'null'], format: 'uuid' },
      createdAt: DATE_TIME,
    },
  },
  NewShare: {
    type: 'object',
    description:
      'Share with exactly one of userId (an active user) or group (a published group). Unknown properties are refused (400).',
    required: ['access'],
    additionalProperties: false,
    properties: {
      userId: UUID,
      group: {
        type: 'string',
        pattern: API_NAME,
        description: 'A published group (GET /api/v1/meta/groups); another name is refused (422).',
      },
      access: { enum: ['read', 'edit'], description: 'read: see the record; edit: see and change it.' },
    },
    oneOf: [
      { required: ['userId'], title: 'With a user' },
      { required: ['group'], title: 'With a group' },
    ],
  },
  AccessExplanation: {
    type: 'object',
    description:
      'What one user may do with one record, from the same SQL conditions every request uses, and the grants that give it.',
    required: ['user', 'object', 'record', 'objectPermissions', 'read', 'edit', 'delete', 'grants'],
    properties: {
      user: { type: 'object', required: ['id', 'name'], properties: { id: UUID, name: { type: 'string' } } },
      object: { type: 'string' },
      record: UUID,
      objectPermissions: ref('ObjectGrant'),
      read: { type: 'boolean' },
      edit: { type: 'boolean' },
      delete: { type: 'boolean', description: 'Also: may share the record and transfer it.' },
      grants: {
        type: 'array',
        description: 'Every grant that reaches the record for this user.',
        items: {
          type: 'object',
          required: ['access', 'reason'],
          properties: {
            access: { enum: ['read', 'edit', 'full'] },
            reason: { enum: GRANT_REASONS },
            detail: {
              type: 'string',
              description:
                "The org-wide default, the group a share went to, the sharing rule's apiName, or the roles of the hierarchy.",
            },
          },
        },
      },
    },
  },
};
