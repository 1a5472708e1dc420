import {
  ERROR_CODE_LIST,
  ERROR_CODES,
  PROBLEM_KIND_LIST,
  PROBLEM_KINDS,
  problemType,
  type ProblemKind,
} from '../../errors.js';
import type { FilterOperator, JsonSchema } from '../../fields/field-type.js';
import { ISO_CURRENCY } from '../../fields/currency.js';
import { MAX_BULK } from '../../records/bulk.js';
import { ref } from './operation.js';

/**
 * Schemas the same for every release: problems, the filter language, and the answers of bulk
 * writes, aggregates, import jobs, search and currencies. Security schemas are in
 * security-schemas.ts.
 */

const MAX_IN_VALUES = 1000;

const kindLine = (kind: ProblemKind) => {
  const { status, title, description } = PROBLEM_KINDS[kind];
  return `${status} ${title}. ${description}`;
};

export const problemSchemas: Record<string, JsonSchema> = {
  Problem: {
    type: 'object',
    description:
      'An RFC 9457 problem: every 4xx and 5xx answer. `errors` names each field and rule that failed; nothing was written.',
    required: ['type', 'title', 'status', 'detail', 'errors'],
    properties: {
      type: {
        type: 'string',
        format: 'uri',
        enum: PROBLEM_KIND_LIST.map(problemType),
        'x-enum-descriptions': PROBLEM_KIND_LIST.map(kindLine),
        description: `The kind of problem, which fixes \`status\` and \`title\`:\n\n${PROBLEM_KIND_LIST.map((kind) => `- \`${kind}\`: ${kindLine(kind)}`).join('\n')}`,
      },
      title: { type: 'string', description: 'Short summary of the kind of problem, such as "Validation failed".' },
      status: { type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status code.' },
      detail: { type: 'string', description: 'What went wrong in this case, for people.' },
      errors: { type: 'array', items: ref('FieldError'), description: 'One entry per field or rule that failed.' },
      retryAfter: {
        type: 'integer',
        minimum: 1,
        description:
          'On a 429: seconds until a login may be tried again; on a 503: until the request may be sent again. As in the Retry-After header.',
      },
    },
  },
  FieldError: {
    type: 'object',
    required: ['field', 'code', 'message'],
    properties: {
      field: {
        type: 'string',
        description: 'The field apiName or JSON pointer the error is about; "" for the whole record.',
      },
      code: {
        type: 'string',
        enum: ERROR_CODE_LIST,
        'x-enum-descriptions': ERROR_CODE_LIST.map((code) => ERROR_CODES[code]),
        description: `What failed, for programs; the same code serves every field and endpoint:\n\n${ERROR_CODE_LIST.map((code) => `- \`${code}\`: ${ERROR_CODES[code]}`).join('\n')}`,
      },
      message: {
        type: 'string',
        description: "What failed, for people, in the caller's language where a translation exists.",
      },
      rule: { type: 'string', description: 'The apiName of the validation rule that refused the value.' },
      index: { type: 'integer', minimum: 0, description: 'The row of a bulk request the error belongs to.' },
    },
  },
};

export const filterSchemas: Record<string, JsonSchema> = {
  Filter: {
    type: 'object',
    title: 'Filter',
    description: [
      'A filter on a list: `{"and": [filter, …]}`, `{"or": [filter, …]}`, `{"not": filter}`, or field names mapped to conditions,',
      'all of which must hold: `{"stage": {"in": ["proposal", "negotiation"]}, "amount": {"gte": 1000}}`.',
      'System fields (id, owner_id, created_at, created_by, updated_at, updated_by, version) can be filtered too.',
      'Lists and exports also take a path through a lookup, one level deep: `{"account.industry": "banking"}`.',
      'Date and datetime fields (and created_at, updated_at) take relative dates, worked out in UTC when the query runs:',
      '`today`, `yesterday`, `tomorrow`, `this_week`, `last_month`, `next_quarter`, `this_year` (weeks start on Monday),',
      '`last_n_days:30`, `next_n_weeks:4` (also months and years): `eq` is inside the range, `gt` after it, `lt` before it.',
      'Each field type accepts its own operators; an unknown field, an operator the type does not take,',
      'or a value the field would not store is answered with 400. At most 12 levels and 200 conditions.',
    ].join(' '),
    minProperties: 1,
    properties: {
      and: { type: 'array', minItems: 1, items: ref('Filter'), description: 'Every filter holds.' },
      or: { type: 'array', minItems: 1, items: ref('Filter'), description: 'At least one filter holds.' },
      not: { ...ref('Filter'), description: 'The filter does not hold.' },
    },
    additionalProperties: ref('FilterCondition'),
  },
  FilterCondition: {
    description: 'Conditions on one field, all of which must hold; a bare value means `eq`.',
    anyOf: [
      {
        type: 'object',
        minProperties: 1,
        additionalProperties: false,
        properties: {
          eq: { type: ['string', 'number', 'boolean'], description: 'Equals.' },
          ne: { type: ['string', 'number', 'boolean'], description: 'Differs from, empty values included.' },
          gt: { type: ['string', 'number'], description: 'Greater than.' },
          gte: { type: ['string', 'number'], description: 'Greater than or equal.' },
          lt: { type: ['string', 'number'], description: 'Less than.' },
          lte: { type: ['string', 'number'], description: 'Less than or equal.' },
          in: {
            type: 'array',
            minItems: 1,
            maxItems: MAX_IN_VALUES,
            description: 'Equals one of; on a multipicklist, holds any of.',
          },
          nin: {
            type: 'array',
            minItems: 1,
            maxItems: MAX_IN_VALUES,
            description: 'Equals none of; on a multipicklist, holds none of.',
          },
          contains: {
            anyOf: [
              { type: 'string', minLength: 1, maxLength: 255 },
              { type: 'array', minItems: 1 },
            ],
            description: 'Text contains, case-insensitive; on a multipicklist (an array), holds all of.',
          },
          startsWith: {
            type: 'string',
            minLength: 1,
            maxLength: 255,
            description: 'Text starts with, case-insensitive.',
          },
          isNull: { type: 'boolean', description: 'true: the field is empty; false: it has a value.' },
          between: { type: 'array', minItems: 2, maxItems: 2, description: '[low, high], both included.' },
        } satisfies Record<FilterOperator, JsonSchema>,
      },
      { type: ['string', 'number', 'boolean'], description: 'The same as {"eq": value}.' },
    ],
  },
};

export const bulkSchemas: Record<string, JsonSchema> = {
  BulkResult: {
    type: 'object',
    description:
      'What a bulk request wrote. With allOrNone (the default) a request that answers at all wrote every row.',
    required: ['created', 'updated', 'failed', 'results'],
    properties: {
      created: { type: 'integer', minimum: 0, description: 'Records created.' },
      updated: {
        type: 'integer',
        minimum: 0,
        description: 'Records an upsert matched, or an update by id named, and changed.',
      },
      failed: { type: 'integer', minimum: 0, description: 'Rows refused (only with allOrNone: false).' },
      results: { type: 'array', items: ref('BulkRowResult'), description: 'One per row, in the order sent.' },
    },
  },
  BulkRowResult: {
    oneOf: [
      {
        type: 'object',
        title: 'Written',
        required: ['index', 'ok', 'id', 'created'],
        properties: {
          index: { type: 'integer', minimum: 0, description: "The row's position in `records`." },
          ok: { const: true },
          id: { type: 'string', format: 'uuid', description: 'The id of the record written.' },
          created: {
            type: 'boolean',
            description: 'true: a new record; false: an upsert or an update by id changed an existing one.',
          },
          version: {
            type: 'integer',
            minimum: 1,
            description: "Update by id: the record's version after the change (its new ETag).",
          },
        },
      },
      {
        type: 'object',
        title: 'Refused',
        required: ['index', 'ok', 'errors'],
        properties: {
          index: { type: 'integer', minimum: 0, description: "The row's position in `records`." },
          ok: { const: false },
          errors: { type: 'array', items: ref('FieldError'), description: 'Why the row was not written.' },
        },
      },
    ],
  },
  BulkDeleteRequest: {
    type: 'object',
    required: ['ids'],
    properties: {
      ids: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_BULK,
        items: { type: 'string', format: 'uuid' },
        description: 'The records to move to the recycle bin.',
      },
      allOrNone: {
        type: 'boolean',
        default: true,
        description:
          "true: one id that cannot be deleted refuses the request (422, each error with its row's `index`) and nothing is deleted. false: the others are deleted, the refused ones reported in `results`.",
      },
    },
    additionalProperties: false,
  },
  BulkDeleteResult: {
    type: 'object',
    description:
      'What a bulk delete did. With allOrNone (the default) a request that answers at all deleted every record.',
    required: ['deleted', 'failed', 'results'],
    properties: {
      deleted: {
        type: 'integer',
        minimum: 0,
        description: 'Records moved to the recycle bin (their masterDetail children with them).',
      },
      failed: { type: 'integer', minimum: 0, description: 'Ids refused (only with allOrNone: false).' },
      results: {
        type: 'array',
        description: 'One per id, in the order sent.',
        items: {
          oneOf: [
            {
              type: 'object',
              title: 'Deleted',
              required: ['index', 'ok', 'id'],
              properties: {
                index: { type: 'integer', minimum: 0 },
                ok: { const: true },
                id: { type: 'string', format: 'uuid' },
              },
            },
            {
              type: 'object',
              title: 'Refused',
              required: ['index', 'ok', 'errors'],
              properties: {
                index: { type: 'integer', minimum: 0 },
                ok: { const: false },
                errors: {
                  type: 'array',
                  items: ref('FieldError'),
                  description: 'Why the record was not deleted: notFound, recordAccess, duplicate, restrict.',
                },
              },
            },
          ],
        },
      },
    },
  },
};

export const aggregateSchemas: Record<string, JsonSchema> = {
  AggregateResult: {
    type: 'object',
    required: ['data'],
    properties: {
      data: {
        type: 'array',
        maxItems: 2000,
        description: 'One row per group (a single row without groupBy).',
        items: {
          type: 'object',
          description:
            'Each group key and each metric, under the name it was asked by: `{ "stage": "proposal", "close_date:month": "2026-11-01", "count": 3, "sum:amount": 1200 }`. A date bucket is its first day. A lookup group also has `<field>:label`, the name of the record it points to (`{ "account": "0190…", "account:label": "Acme", "count": 3 }`); null when the caller may not see that record or read its name.',
          additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
        },
      },
    },
  },
};

const isoCode = (description: string): JsonSchema => ({ type: 'string', pattern: ISO_CURRENCY, description });

export const currencySchemas: Record<string, JsonSchema> = {
  ExchangeRate: {
    type: 'object',
    description:
      'How many units of a currency buy one unit of the corporate currency, from its start date until the next rate of that currency.',
    required: ['currency', 'startDate', 'rate'],
    properties: {
      currency: isoCode('ISO 4217 code, such as EUR; not the corporate currency, whose rate is always 1.'),
      startDate: { type: 'string', format: 'date', description: 'The first day the rate applies.' },
      rate: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1e14 },
    },
  },
  CurrencySettings: {
    type: 'object',
    required: ['corporate', 'rates'],
    properties: {
      corporate: isoCode(
        'The corporate currency: amounts written without a code are in it, and aggregates convert to it.',
      ),
      rates: { type: 'array', items: ref('ExchangeRate'), description: 'Every rate, by currency, then start date.' },
    },
  },
  CorporateCurrency: {
    type: 'object',
    required: ['currency'],
    properties: { currency: isoCode('ISO 4217 code, such as EUR.') },
  },
};

export const importSchemas: Record<string, JsonSchema> = {
  ImportJob: {
    type: 'object',
    description: 'A CSV import running in the background.',
    required: [
      'id',
      'object',
      'status',
      'phase',
      'mode',
      'upsertOn',
      'rowsTotal',
      'rowsProcessed',
      'rowsCreated',
      'rowsUpdated',
      'rowsFailed',
      'bytesTotal',
      'bytesProcessed',
      'error',
      'createdAt',
      'updatedAt',
      'finishedAt',
      'errorReportUrl',
    ],
    properties: {
      id: { type: 'string', format: 'uuid' },
      object: { type: 'string', description: 'The object imported into.' },
      status: { enum: ['queued', 'running', 'completed', 'failed'] },
      phase: {
        enum: ['writing', 'validating', 'checking', 'applying', null],
        description:
          'What a running job is doing: writing rows, or (allOrNone, after a bad row) only checking the rest for the error report; on the embedded database an allOrNone job first checks every row (checking), then writes them (applying); null otherwise.',
      },
      mode: { enum: ['allOrNone', 'skipBadRows'] },
      upsertOn: { type: ['string', 'null'], description: 'The unique field rows are matched on, if any.' },
      rowsTotal: {
        type: ['integer', 'null'],
        minimum: 0,
        description: 'Data rows in the file; null until the whole file is read.',
      },
      rowsProcessed: {
        type: 'integer',
        minimum: 0,
        description: 'Rows read and checked (with skipBadRows, also written) so far.',
      },
      rowsCreated: { type: 'integer', minimum: 0 },
      rowsUpdated: { type: 'integer', minimum: 0 },
      rowsFailed: { type: 'integer', minimum: 0 },
      bytesTotal: { type: ['integer', 'null'], minimum: 0, description: "The uploaded file's size in bytes." },
      bytesProcessed: {
        type: 'integer',
        minimum: 0,
        description: 'Bytes of the file read so far: progress is bytesProcessed / bytesTotal.',
      },
      error: { type: ['string', 'null'], description: 'Why the job failed, when it did.' },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
      finishedAt: { type: ['string', 'null'], format: 'date-time' },
      errorReportUrl: {
        type: ['string', 'null'],
        format: 'uri-reference',
        description: 'The CSV of refused rows, once there is one.',
      },
    },
  },
};

export const searchSchemas: Record<string, JsonSchema> = {
  SearchResults: {
    type: 'object',
    required: ['data'],
    properties: {
      data: {
        type: 'array',
        description: 'One group per object with matches, the group with the best match first.',
        items: {
          type: 'object',
          required: ['object', 'records'],
          properties: {
            object: { type: 'string', description: "The object's apiName." },
            records: {
              type: 'array',
              minItems: 1,
              description: 'Best match first.',
              items: {
                type: 'object',
                required: ['id', 'name', 'score'],
                properties: {
                  id: { type: 'string', format: 'uuid' },
                  name: { type: ['string', 'null'], description: "The record's name field, as text." },
                  score: { type: 'number', minimum: 0, maximum: 1, description: 'Trigram similarity to q.' },
                },
              },
            },
          },
        },
      },
    },
  },
};
