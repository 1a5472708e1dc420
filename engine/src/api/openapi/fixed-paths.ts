import { ISO_CURRENCY } from '../../fields/currency.js';
import { forbidden, headerRef, json, parameterRef, problemResponses, PUBLIC, ref, type Paths } from './operation.js';

/**
 * The paths every release has, whatever its objects, other than auth, users, tenants and
 * metadata: health and this document, global search and currencies.
 */

export function fixedPaths(objectNames: readonly string[]): Paths {
  return {
    '/health': {
      get: {
        operationId: 'health',
        summary: 'Readiness',
        tags: ['System'],
        security: PUBLIC,
        responses: {
          200: {
            description: 'Ready.',
            content: json({
              type: 'object',
              required: ['status', 'release'],
              properties: {
                status: { const: 'ok' },
                release: { type: 'integer', description: 'The current metadata release.' },
              },
            }),
          },
          503: {
            description: 'Still starting.',
            content: json({ type: 'object', properties: { status: { const: 'starting' } } }),
          },
        },
      },
    },
    '/api/v1/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'This document',
        tags: ['System'],
        security: PUBLIC,
        description: 'Generated from the current metadata release; it changes with every publish.',
        parameters: [parameterRef('IfNoneMatch')],
        responses: {
          200: {
            description: 'The OpenAPI 3.1 document.',
            headers: { ETag: headerRef('DocumentETag') },
            content: json({ type: 'object' }),
          },
          304: { description: 'The release is still the one of the ETag sent.' },
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
        operationId: 'search',
        summary: 'Search records of every object',
        tags: ['Search'],
        description:
          'Finds live records whose searchable fields contain `q` (case-insensitive), best matches per object first. Only records, objects and fields the caller may read are searched; an object they may not read is left out, not refused; naming in `objects` one they may neither read nor create is a 400, as for one that does not exist.',
        parameters: [
          {
            name: 'q',
            in: 'query',
            required: true,
            description: 'The text to find: 2 to 100 characters once trimmed.',
            schema: { type: 'string', minLength: 2, maxLength: 100 },
          },
          {
            name: 'objects',
            in: 'query',
            required: false,
            description: 'Comma-separated objects to search; default all of them.',
            schema: objectNames.length
              ? { type: 'string', pattern: `^(?:${objectNames.join('|')})(?:,(?:${objectNames.join('|')}))*$` }
              : { type: 'string' },
          },
          {
            name: 'limit',
            in: 'query',
            required: false,
            description: 'Matches per object.',
            schema: { type: 'integer', minimum: 1, maximum: 50, default: 5 },
          },
        ],
        responses: {
          200: { description: 'Matches grouped by object.', content: json(ref('SearchResults')) },
          ...problemResponses('BadRequest', 'Unauthorized', forbidden()),
        },
      },
    },
  };
}

function currencyPaths(): Paths {
  const tags = ['Currencies'];
  const manage = forbidden([], ['manageMetadata']);
  return {
    '/api/v1/currencies': {
      get: {
        operationId: 'getCurrencies',
        summary: 'Corporate currency and exchange rates',
        tags,
        responses: {
          200: {
            description: 'The corporate currency and every dated exchange rate.',
            content: json(ref('CurrencySettings')),
          },
          ...problemResponses('Unauthorized', forbidden()),
        },
      },
    },
    '/api/v1/currencies/corporate': {
      put: {
        operationId: 'setCorporateCurrency',
        summary: 'Set the corporate currency',
        tags,
        description:
          'Rates are stated against the corporate currency, so it can only change while there are none. Stored amounts keep their own currency code.',
        requestBody: { required: true, content: json(ref('CorporateCurrency')) },
        responses: {
          200: {
            description: 'The corporate currency now.',
            content: json({
              type: 'object',
              required: ['corporate'],
              properties: { corporate: { type: 'string', pattern: ISO_CURRENCY } },
            }),
          },
          ...problemResponses(['BadRequest', 'The currency is not an ISO 4217 code.'], 'Unauthorized', manage, [
            'Conflict',
            'Exchange rates exist; delete them before changing the corporate currency.',
          ]),
        },
      },
    },
    '/api/v1/currencies/rates': {
      post: {
        operationId: 'setExchangeRate',
        summary: 'Add an exchange rate',
        tags,
        description: 'A rate of a currency from a start date; one with the same currency and start date is replaced.',
        requestBody: { required: true, content: json(ref('ExchangeRate')) },
        responses: {
          201: { description: 'The rate as stored.', content: json(ref('ExchangeRate')) },
          ...problemResponses(
            ['BadRequest', 'The rate is not valid; `errors` names each property.'],
            'Unauthorized',
            manage,
          ),
        },
      },
    },
  };
}
