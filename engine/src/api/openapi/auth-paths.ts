import { forbidden, json, problemResponses, PUBLIC, ref, type Paths } from './operation.js';

/**
 * Sessions: password login (a bearer token, and the same token as the UI's cookie), logout, the
 * signed-in user with their permissions, and named API tokens for integrations.
 */

export const SESSION_COOKIE_HEADER = {
  description:
    '`tessera_session=<token>; Path=/; Expires=…; HttpOnly; SameSite=Strict` (and `Secure` over HTTPS): the session for the UI, which scripts cannot read. Requests signed in by it must send `X-Requested-With: XMLHttpRequest`.',
  schema: { type: 'string' },
};

export function authPaths(): Paths {
  const tags = ['Auth'];
  return {
    '/api/v1/auth/login': {
      post: {
        operationId: 'login',
        summary: 'Log in',
        tags,
        security: PUBLIC,
        description: [
          'Trades an e-mail and password for a session: a bearer token in the body, and the same token as the `tessera_session` cookie.',
          'Name a `tenant` to log in to one other than the default; its tokens then reach only that tenant.',
          'After 5 failed logins an account is locked for 15 minutes, and an address that fails 20 times in 15 minutes is refused for the rest of the window: both answer 429 with Retry-After, even to the right password.',
        ].join(' '),
        requestBody: { required: true, content: json(ref('LoginRequest')) },
        responses: {
          200: {
            description: 'Logged in.',
            headers: { 'Set-Cookie': SESSION_COOKIE_HEADER },
            content: json(ref('Session')),
          },
          ...problemResponses(
            ['BadRequest', 'The body is not JSON.'],
            [
              'Unauthorized',
              'The e-mail, password or tenant is wrong, or the user is deactivated: one answer for all, so it says nothing about which.',
            ],
            'TooManyRequests',
          ),
        },
      },
    },
    '/api/v1/auth/logout': {
      post: {
        operationId: 'logout',
        summary: 'Log out',
        tags,
        description:
          'Revokes the token of this request (a named API token too, when it is the one sent) and clears the cookie.',
        responses: {
          204: { description: 'The token no longer works.' },
          ...problemResponses('Unauthorized', forbidden()),
        },
      },
    },
    '/api/v1/auth/me': {
      get: {
        operationId: 'getCurrentUser',
        summary: 'The signed-in user and their permissions',
        tags,
        responses: {
          200: {
            description: 'The user, their role, permission sets and groups, and what those grant.',
            content: json(ref('CurrentUser')),
          },
          ...problemResponses('Unauthorized', forbidden()),
        },
      },
    },
    '/api/v1/auth/tokens': {
      get: {
        operationId: 'listApiTokens',
        summary: 'Your named API tokens',
        tags,
        description: 'Named tokens only: not login sessions. Secrets are never answered again.',
        responses: {
          200: {
            description: 'Oldest first.',
            content: json({
              type: 'object',
              required: ['data'],
              properties: { data: { type: 'array', items: ref('ApiToken') } },
            }),
          },
          ...problemResponses('Unauthorized', forbidden()),
        },
      },
      post: {
        operationId: 'createApiToken',
        summary: 'Create a named API token',
        tags,
        description:
          'A bearer token for an integration, acting as you, until it expires or is revoked; a new password or deactivation ends it too. Needs apiAccess, also from the UI. The secret is answered once; only its hash is kept.',
        requestBody: { required: true, content: json(ref('NewApiToken')) },
        responses: {
          201: { description: 'The token, with its secret.', content: json(ref('CreatedApiToken')) },
          ...problemResponses(
            ['BadRequest', 'The body is not JSON, or has properties other than name and days.'],
            'Unauthorized',
            forbidden([], ['apiAccess with the session cookie too']),
            ['ValidationFailed', 'The name or days are not valid; nothing was created.'],
          ),
        },
      },
    },
    '/api/v1/auth/tokens/{id}': {
      parameters: [
        {
          name: 'id',
          in: 'path',
          required: true,
          description: "The token's id.",
          schema: { type: 'string', format: 'uuid' },
        },
      ],
      delete: {
        operationId: 'revokeApiToken',
        summary: 'Revoke one of your named API tokens',
        tags,
        responses: {
          204: { description: 'Revoked: the next request with it gets 401.' },
          ...problemResponses('Unauthorized', forbidden(), ['NotFound', 'You have no named token with this id.']),
        },
      },
    },
  };
}
