import { forbidden, headerRef, json, problemResponses, ref, type Paths } from './operation.js';
import { MAX_AUDIT_LIMIT, MAX_USER_LIMIT } from './security-schemas.js';

/** People and setup: users and their grants, the setup audit trail, and tenants. */

/** How both audit trails page: newest first, `before` the last `seq` seen. */
const AUDIT_PAGING = [
  {
    name: 'limit',
    in: 'query',
    required: false,
    description: 'At most this many entries.',
    schema: { type: 'integer', minimum: 1, maximum: MAX_AUDIT_LIMIT, default: 100 },
  },
  {
    name: 'before',
    in: 'query',
    required: false,
    description: 'Only entries older than this sequence number (the `seq` of the last entry of the previous page).',
    schema: { type: 'integer' },
  },
];

const dataOf = (schema: string) =>
  json({ type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref(schema) } } });

export function userPaths(): Paths {
  const tags = ['Users'];
  const user = { 200: { description: 'The user.', content: json(ref('UserAccount')) } };
  return {
    '/api/v1/users': {
      get: {
        operationId: 'listUsers',
        summary: 'List users',
        tags,
        description:
          'Everyone signed in may look users up, deactivated ones included, by name; grants are answered only to holders of manageUsers (and for yourself).',
        parameters: [
          {
            name: 'q',
            in: 'query',
            required: false,
            description: 'Only users whose name or e-mail contains this, case-insensitively.',
            schema: { type: 'string' },
          },
          {
            name: 'limit',
            in: 'query',
            required: false,
            description: 'At most this many users.',
            schema: { type: 'integer', minimum: 1, maximum: MAX_USER_LIMIT, default: 100 },
          },
        ],
        responses: {
          200: { description: 'Users by name.', content: dataOf('UserAccount') },
          ...problemResponses(['BadRequest', 'limit is not 1 to 500.'], 'Unauthorized', forbidden()),
        },
      },
      post: {
        operationId: 'createUser',
        summary: 'Create a user',
        tags,
        description:
          'Needs manageUsers. You can give only what you hold: permission sets whose every grant you have, roles below yours, groups you are in; only an admin makes admins.',
        requestBody: { required: true, content: json(ref('NewUser')) },
        responses: {
          201: {
            description: 'The new user.',
            headers: { Location: headerRef('Location') },
            content: json(ref('UserAccount')),
          },
          ...problemResponses(
            ['BadRequest', 'The body is not an object, or has properties users do not have.'],
            'Unauthorized',
            forbidden(['grantBeyondOwn', 'adminOnly'], ['manageUsers']),
            ['Conflict', 'A user with this e-mail exists.'],
            [
              'ValidationFailed',
              'A property is missing or not valid (an unknown role, permission set or group, a short password); `errors` names each.',
            ],
          ),
        },
      },
    },
    '/api/v1/users/{id}': {
      parameters: [
        { name: 'id', in: 'path', required: true, description: 'User id.', schema: { type: 'string', format: 'uuid' } },
      ],
      get: {
        operationId: 'getUser',
        summary: 'Get a user',
        tags,
        responses: { ...user, ...problemResponses('Unauthorized', forbidden(), 'NotFound') },
      },
      patch: {
        operationId: 'updateUser',
        summary: 'Change a user',
        tags,
        description: [
          'Changing another user needs manageUsers, and a user manager who is not an admin changes only users whose grants they hold themselves; only an admin changes an admin.',
          'You may change your own name, e-mail and password (with currentPassword), never your own grants.',
          "Every change counts from the user's next request; a new password or `active: false` also ends their sessions and API tokens.",
        ].join(' '),
        requestBody: { required: true, content: json(ref('UserChanges')) },
        responses: {
          ...user,
          ...problemResponses(
            ['BadRequest', 'The body is not an object, or has properties users do not have.'],
            'Unauthorized',
            forbidden(
              ['ownGrants', 'grantBeyondOwn', 'adminOnly', 'adminTarget'],
              ['manageUsers to change another user'],
            ),
            'NotFound',
            ['Conflict', 'Another user has this e-mail.'],
            ['ValidationFailed', 'A property is not valid, or currentPassword is wrong; `errors` names each.'],
          ),
        },
      },
    },
  };
}

export function setupAuditPaths(): Paths {
  return {
    '/api/v1/setup-audit': {
      get: {
        operationId: 'listSetupAudit',
        summary: 'The setup audit trail',
        tags: ['Setup audit'],
        description:
          'Every change of metadata (draft, publish, rollback, restore), users and API tokens, and every tenant created, newest first. Needs manageUsers. Read-only: no API changes it.',
        parameters: AUDIT_PAGING,
        responses: {
          200: { description: 'Entries, newest first.', content: dataOf('AuditEntry') },
          ...problemResponses(
            ['BadRequest', 'limit is not 1 to 500, or before is not a whole number.'],
            'Unauthorized',
            forbidden([], ['manageUsers']),
          ),
        },
      },
    },
    '/api/v1/read-audit': {
      get: {
        operationId: 'listReadAudit',
        summary: 'The read audit of protected fields',
        tags: ['Setup audit'],
        description:
          'Every time a user was shown a value of a field marked `auditReads` (a diagnosis, a national id): who, when, which record, which fields, and how. Newest first; needs manageUsers. Read-only.',
        parameters: [
          {
            name: 'object',
            in: 'query',
            required: false,
            description: 'Only this object.',
            schema: { type: 'string' },
          },
          {
            name: 'recordId',
            in: 'query',
            required: false,
            description: 'Only reads of this record.',
            schema: { type: 'string', format: 'uuid' },
          },
          {
            name: 'userId',
            in: 'query',
            required: false,
            description: 'Only reads by this user.',
            schema: { type: 'string', format: 'uuid' },
          },
          ...AUDIT_PAGING,
        ],
        responses: {
          200: { description: 'Entries, newest first.', content: dataOf('ReadAuditEntry') },
          ...problemResponses(
            ['BadRequest', 'limit is not 1 to 500, before not a whole number, or recordId/userId not a uuid.'],
            'Unauthorized',
            forbidden([], ['manageUsers']),
          ),
        },
      },
    },
  };
}

export function tenantPaths(): Paths {
  const tags = ['Tenants'];
  const admins = forbidden(['platformAdmin']);
  return {
    '/api/v1/tenants': {
      get: {
        operationId: 'listTenants',
        summary: 'List tenants',
        tags,
        description: 'For admins of the default tenant only; in any other tenant this path does not exist (404).',
        responses: {
          200: { description: 'The default tenant first, then the others by name.', content: dataOf('Tenant') },
          ...problemResponses('Unauthorized', admins, 'NotFound'),
        },
      },
      post: {
        operationId: 'createTenant',
        summary: 'Create a tenant',
        tags,
        description:
          'A new PostgreSQL schema (`<default schema>__<name>`) with its own metadata, records, users and audit, its first admin and the core pack. For admins of the default tenant only. The admin logs in with `{ "tenant": "<name>", … }`.',
        requestBody: { required: true, content: json(ref('NewTenant')) },
        responses: {
          201: { description: 'The tenant, ready to log in to.', content: json(ref('CreatedTenant')) },
          ...problemResponses(
            ['BadRequest', 'The body is not JSON.'],
            'Unauthorized',
            admins,
            ['NotFound', 'Called in a tenant other than the default.'],
            ['Conflict', 'A tenant with this name exists.'],
            ['ValidationFailed', 'The name, adminEmail or adminPassword is not valid; nothing was created.'],
          ),
        },
      },
    },
  };
}
