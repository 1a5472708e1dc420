import { ISO_CURRENCY } from '../../fields/currency.js';
import { json, problemResponses, PUBLIC, ref, type Paths } from './operation.js';

/**
 * The paths every release has, whatever its objects: health and this document, auth, the
 * metadata draft, publish, releases and the archive, global search and currencies.
 */

function metadataItemPaths(segment: string, kind: string, kinds: string, stem: string, schema: string): Paths {
  const tags = ['Metadata'];
  const nameParam = { name: 'apiName', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$' } };
  return {
    [`/api/v1/meta/${segment}`]: {
      get: {
        operationId: `list${stem}s`, summary: `List ${kinds} in the draft`, tags,
        ...(kind === 'object' ? {} : { parameters: [{ name: 'object', in: 'query', required: false, description: 'Only those of this object.', schema: { type: 'string' } }] }),
        responses: {
          200: { description: `The draft's ${kinds}.`, content: json({ type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref(schema) } } }) },
          ...problemResponses('Unauthorized'),
        },
      },
      post: {
        operationId: `create${stem}`, summary: `Add ${kind === 'object' ? 'an' : 'a'} ${kind} to the draft`, tags,
        description: 'Nothing is live until the draft is published. The server assigns missing ids.',
        requestBody: { required: true, content: json(ref(schema)) },
        responses: {
          201: { description: `The stored ${kind}, with ids.`, content: json(ref(schema)) },
          ...problemResponses('BadRequest', 'Unauthorized', 'Conflict', 'ValidationFailed'),
        },
      },
    },
    [`/api/v1/meta/${segment}/{apiName}`]: {
      parameters: [nameParam],
      get: {
        operationId: `get${stem}`, summary: `Get a ${kind} from the draft`, tags,
        responses: { 200: { description: `The ${kind}.`, content: json(ref(schema)) }, ...problemResponses('Unauthorized', 'NotFound') },
      },
      put: {
        operationId: `replace${stem}`, summary: `Replace a ${kind} in the draft`, tags,
        description: 'The body is the whole definition. Keep the ids: a changed apiName with the same id is a rename, not a new item.',
        requestBody: { required: true, content: json(ref(schema)) },
        responses: {
          200: { description: `The stored ${kind}.`, content: json(ref(schema)) },
          ...problemResponses('BadRequest', 'Unauthorized', 'NotFound', 'Conflict', 'ValidationFailed'),
        },
      },
      delete: {
        operationId: `delete${stem}`, summary: `Delete a ${kind} from the draft`, tags,
        responses: { 204: { description: 'Deleted from the draft.' }, ...problemResponses('Unauthorized', 'NotFound', 'Conflict') },
      },
    },
  };
}

export function fixedPaths(objectNames: readonly string[]): Paths {
  const auth = ['Auth'];
  const meta = ['Metadata'];
  const releaseParam = { name: 'n', in: 'path', required: true, description: 'Release number.', schema: { type: 'integer', minimum: 1 } };
  const dryRunParam = { name: 'dryRun', in: 'query', required: false, description: 'Answer the plan without applying it.', schema: { type: 'boolean', default: false } };
  const publishOutcome = {
    200: { description: 'Dry run: the diff and the plan, nothing applied.', content: json(ref('PublishResult')) },
    201: { description: 'Published: the new release, its diff and the plan that was applied.', content: json(ref('PublishResult')) },
  };
  return {
    '/health': {
      get: {
        operationId: 'health', summary: 'Readiness', tags: ['System'], security: PUBLIC,
        responses: {
          200: { description: 'Ready.', content: json({ type: 'object', required: ['status', 'release'], properties: { status: { const: 'ok' }, release: { type: 'integer', description: 'The current metadata release.' } } }) },
          503: { description: 'Still starting.', content: json({ type: 'object', properties: { status: { const: 'starting' } } }) },
        },
      },
    },
    '/api/v1/openapi.json': {
      get: {
        operationId: 'getOpenApi', summary: 'This document', tags: ['System'], security: PUBLIC,
        description: 'Generated from the current metadata release; it changes with every publish.',
        responses: { 200: { description: 'The OpenAPI 3.1 document.', content: json({ type: 'object' }) } },
      },
    },
    '/api/v1/auth/login': {
      post: {
        operationId: 'login', summary: 'Log in', tags: auth, security: PUBLIC,
        description: 'Trades an email and password for a bearer token.',
        requestBody: { required: true, content: json(ref('LoginRequest')) },
        responses: {
          200: { description: 'Logged in.', content: json(ref('Session')) },
          ...problemResponses('BadRequest', 'Unauthorized'),
        },
      },
    },
    '/api/v1/auth/logout': {
      post: {
        operationId: 'logout', summary: 'Log out', tags: auth, description: 'Revokes the token of this request.',
        responses: { 204: { description: 'The token no longer works.' }, ...problemResponses('Unauthorized') },
      },
    },
    '/api/v1/auth/me': {
      get: {
        operationId: 'getCurrentUser', summary: 'The logged-in user', tags: auth,
        responses: { 200: { description: 'The user the token belongs to.', content: json(ref('User')) }, ...problemResponses('Unauthorized') },
      },
    },
    ...metadataItemPaths('objects', 'object', 'objects', 'ObjectDefinition', 'ObjectDefinition'),
    ...metadataItemPaths('layouts', 'layout', 'layouts', 'LayoutDefinition', 'LayoutDefinition'),
    ...metadataItemPaths('list-views', 'list view', 'list views', 'ListViewDefinition', 'ListViewDefinition'),
    '/api/v1/meta/publish': {
      post: {
        operationId: 'publish', summary: 'Publish the draft', tags: meta,
        description: 'Turns the draft into a numbered release and changes the tables to match, in one transaction. A plan with lossy steps is refused (409) unless confirmLossy is true.',
        parameters: [dryRunParam],
        requestBody: { required: false, content: json(ref('PublishOptions')) },
        responses: { ...publishOutcome, ...problemResponses('BadRequest', 'Unauthorized', 'Conflict', 'ValidationFailed') },
      },
    },
    '/api/v1/meta/releases': {
      get: {
        operationId: 'listReleases', summary: 'List releases', tags: meta,
        responses: {
          200: { description: 'Every release, newest first.', content: json({ type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref('ReleaseSummary') } } }) },
          ...problemResponses('Unauthorized'),
        },
      },
    },
    '/api/v1/meta/releases/{n}': {
      get: {
        operationId: 'getRelease', summary: 'Get a release', tags: meta, parameters: [releaseParam],
        responses: { 200: { description: 'The release with its snapshot, diff and plan.', content: json(ref('Release')) }, ...problemResponses('BadRequest', 'Unauthorized', 'NotFound') },
      },
    },
    '/api/v1/meta/releases/{n}/rollback': {
      post: {
        operationId: 'rollbackRelease', summary: 'Roll back to a release', tags: meta,
        description: 'Re-applies an earlier release as a new release.',
        parameters: [releaseParam, dryRunParam],
        requestBody: { required: false, content: json(ref('PublishOptions')) },
        responses: { ...publishOutcome, ...problemResponses('BadRequest', 'Unauthorized', 'NotFound', 'Conflict', 'ValidationFailed') },
      },
    },
    '/api/v1/meta/archive': {
      get: {
        operationId: 'listArchive', summary: 'List archived fields and objects', tags: meta,
        responses: {
          200: { description: 'Archived items that can be restored.', content: json({ type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref('ArchiveEntry') } } }) },
          ...problemResponses('Unauthorized'),
        },
      },
    },
    '/api/v1/meta/archive/{n}/restore': {
      post: {
        operationId: 'restoreArchived', summary: 'Restore an archived field or object into the draft', tags: meta,
        parameters: [{ ...releaseParam, description: 'Archive entry number.' }],
        responses: {
          200: { description: 'The object as it now stands in the draft; the next publish brings the data back.', content: json({ type: 'object', required: ['kind', 'object'], properties: { kind: { enum: ['object', 'field'] }, object: ref('ObjectDefinition') } }) },
          ...problemResponses('BadRequest', 'Unauthorized', 'NotFound', 'Conflict'),
        },
      },
    },
    ...searchPaths(objectNames),
    ...currencyPaths(),
  };
}

function searchPaths(objectNames: readonly string[]): Paths {
  return {
    '/api/v1/search': {
      get: {
        operationId: 'search', summary: 'Search records of every object', tags: ['Search'],
        description: 'Finds live records whose searchable fields contain `q` (case-insensitive), best matches per object first.',
        parameters: [
          {
            name: 'q', in: 'query', required: true, description: 'The text to find: 2 to 100 characters once trimmed.',
            schema: { type: 'string', minLength: 2, maxLength: 100 },
          },
          {
            name: 'objects', in: 'query', required: false, description: 'Comma-separated objects to search; default all of them.',
            schema: objectNames.length ? { type: 'string', pattern: `^(?:${objectNames.join('|')})(?:,(?:${objectNames.join('|')}))*$` } : { type: 'string' },
          },
          {
            name: 'limit', in: 'query', required: false, description: 'Matches per object.',
            schema: { type: 'integer', minimum: 1, maximum: 50, default: 5 },
          },
        ],
        responses: { 200: { description: 'Matches grouped by object.', content: json(ref('SearchResults')) }, ...problemResponses('BadRequest', 'Unauthorized') },
      },
    },
  };
}

function currencyPaths(): Paths {
  const tags = ['Currencies'];
  return {
    '/api/v1/currencies': {
      get: {
        operationId: 'getCurrencies', summary: 'Corporate currency and exchange rates', tags,
        responses: { 200: { description: 'The corporate currency and every dated exchange rate.', content: json(ref('CurrencySettings')) }, ...problemResponses('Unauthorized') },
      },
    },
    '/api/v1/currencies/corporate': {
      put: {
        operationId: 'setCorporateCurrency', summary: 'Set the corporate currency', tags,
        description: 'Rates are stated against the corporate currency, so it can only change while there are none. Stored amounts keep their own currency code.',
        requestBody: { required: true, content: json(ref('CorporateCurrency')) },
        responses: {
          200: {
            description: 'The corporate currency now.',
            content: json({ type: 'object', required: ['corporate'], properties: { corporate: { type: 'string', pattern: ISO_CURRENCY } } }),
          },
          ...problemResponses(['BadRequest', 'The currency is not an ISO 4217 code.'], 'Unauthorized', ['Conflict', 'Exchange rates exist; delete them before changing the corporate currency.']),
        },
      },
    },
    '/api/v1/currencies/rates': {
      post: {
        operationId: 'setExchangeRate', summary: 'Add an exchange rate', tags,
        description: 'A rate of a currency from a start date; one with the same currency and start date is replaced.',
        requestBody: { required: true, content: json(ref('ExchangeRate')) },
        responses: {
          201: { description: 'The rate as stored.', content: json(ref('ExchangeRate')) },
          ...problemResponses(['BadRequest', 'The rate is not valid; `errors` names each property.'], 'Unauthorized'),
        },
      },
    },
  };
}
