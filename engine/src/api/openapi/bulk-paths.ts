import type { CompiledObject } from '../../metadata/compile.js';
import { MAX_BULK } from '../../records/bulk.js';
import { MAX_IMPORT_BYTES } from '../../records/import-jobs.js';
import {
  english,
  forbidden,
  headerRef,
  json,
  parameterRef,
  problemResponses,
  ref,
  type Operation,
  type Paths,
} from './operation.js';
import { fieldsParameter, filterParameter, sortParameter } from './record-parameters.js';
import { unseen, type ObjectNames } from './record-paths.js';
import { upsertKeys } from './record-schemas.js';

/**
 * Many records at once: bulk JSON writes (create or upsert, update by id, delete by id), CSV
 * export, CSV import as a background job, and the job's status and error report.
 */

const csvFile = (description: string) => ({
  description,
  headers: { 'Content-Disposition': { description: "attachment, with the file's name.", schema: { type: 'string' } } },
  content: { 'text/csv': { schema: { type: 'string' } } },
});

/** The columns an import can fill: writable fields, and the values read beside them (`amount__currency`). */
function importTargets(object: CompiledObject): string[] {
  return [...object.fields]
    .filter(([, f]) => !f.type.readOnly)
    .flatMap(([name, f]) => [name, ...Object.keys(f.type.companions ?? {}).map((key) => `${name}__${key}`)]);
}

export function bulkPaths(
  object: CompiledObject,
  objects: ReadonlyMap<string, CompiledObject>,
  { stem, tag }: ObjectNames,
): Paths {
  const { def } = object;
  const plural = english(def.pluralLabel);
  const base = `/api/v1/records/${def.apiName}`;
  const keys = upsertKeys(object);

  const bulk: Operation = {
    operationId: `bulkWrite${stem}Records`,
    summary: `Create${keys.length ? ' or upsert' : ''} ${plural} in bulk`,
    description: [
      `Up to ${MAX_BULK.toLocaleString('en')} records in one transaction, through the same checks as single writes.`,
      keys.length ? `With \`upsertOn\` (${keys.join(', ')}), a row whose key matches a live record updates it.` : '',
      'Send an `Idempotency-Key` to retry safely: the same key with the same body answers the first result again.',
    ]
      .filter(Boolean)
      .join(' '),
    tags: [tag],
    parameters: [parameterRef('IdempotencyKey')],
    requestBody: { required: true, content: json(ref(`${stem}BulkRequest`)) },
    responses: {
      200: {
        description: 'What was written, row by row.',
        headers: { 'Idempotent-Replayed': headerRef('IdempotentReplayed') },
        content: json(ref('BulkResult')),
      },
      ...problemResponses(
        [
          'BadRequest',
          `The body is not { records: [1 to ${MAX_BULK}] }, upsertOn is not a unique field, or the Idempotency-Key is malformed.`,
        ],
        'Unauthorized',
        forbidden(['objectPermission', 'fieldPermission']),
        unseen,
        ['PayloadTooLarge', 'The body is over 25 MB.'],
        [
          'ValidationFailed',
          'allOrNone: some rows are not valid, and nothing was written; each error has the `index` of its row. Or the Idempotency-Key was used before for a different body.',
        ],
      ),
    },
  };

  const bulkUpdate: Operation = {
    operationId: `bulkUpdate${stem}Records`,
    summary: `Update ${plural} by id in bulk`,
    description: [
      `Up to ${MAX_BULK.toLocaleString('en')} records in one transaction, each row \`{ id, version?, owner_id?, …fields }\` checked as a single PATCH would check it`,
      '(edit access to the record, full access to change owner_id, field permissions, values, validation rules, lookups, unique fields) before any row is written.',
      'A record the caller cannot see is refused as `notFound`, like a missing one; `version` acts as If-Match (`stale`).',
      'Field history entries say `via: bulk`; rollups over the records are refreshed.',
      'Send an `Idempotency-Key` to retry safely.',
    ].join(' '),
    tags: [tag],
    parameters: [parameterRef('IdempotencyKey')],
    requestBody: { required: true, content: json(ref(`${stem}BulkUpdateRequest`)) },
    responses: {
      200: {
        description: "What was changed, row by row, with each record's new version.",
        headers: { 'Idempotent-Replayed': headerRef('IdempotentReplayed') },
        content: json(ref('BulkResult')),
      },
      ...problemResponses(
        ['BadRequest', `The body is not { records: [1 to ${MAX_BULK}] }, or the Idempotency-Key is malformed.`],
        'Unauthorized',
        forbidden(['objectPermission', 'fieldPermission']),
        unseen,
        ['PayloadTooLarge', 'The body is over 25 MB.'],
        [
          'ValidationFailed',
          'allOrNone: some rows cannot be written, and nothing was; each error has the `index` of its row and a code: the field checks of a single update, or `notFound`, `recordAccess`, `stale`, `duplicate` (the same id twice). Or the Idempotency-Key was used before for a different body.',
        ],
      ),
    },
  };

  const bulkDelete: Operation = {
    operationId: `bulkDelete${stem}Records`,
    summary: `Delete ${plural} by id in bulk`,
    description: [
      `Moves up to ${MAX_BULK.toLocaleString('en')} records to the recycle bin in one transaction, each as a single DELETE would:`,
      'full access to the record (owner, above the owner in the role hierarchy, or modifyAll), masterDetail children deleted with it,',
      'records pointing at it through a lookup cleared (setNull) or holding it (restrict). A record the caller cannot see is refused as `notFound`.',
      'Send an `Idempotency-Key` to retry safely.',
    ].join(' '),
    tags: [tag],
    parameters: [parameterRef('IdempotencyKey')],
    requestBody: { required: true, content: json(ref('BulkDeleteRequest')) },
    responses: {
      200: {
        description: 'What was deleted, id by id.',
        headers: { 'Idempotent-Replayed': headerRef('IdempotentReplayed') },
        content: json(ref('BulkDeleteResult')),
      },
      ...problemResponses(
        ['BadRequest', `The body is not { ids: [1 to ${MAX_BULK}] }, or the Idempotency-Key is malformed.`],
        'Unauthorized',
        forbidden(['objectPermission']),
        unseen,
        ['PayloadTooLarge', 'The body is over 25 MB.'],
        [
          'ValidationFailed',
          'allOrNone: some records cannot be deleted, and none was; each error has the `index` of its id and a code: `notFound`, `recordAccess`, `duplicate`, `format`, or `restrict` on the lookup that holds the record. Or the Idempotency-Key was used before for a different body.',
        ],
      ),
    },
  };

  const exportCsv: Operation = {
    operationId: `export${stem}Records`,
    summary: `Export ${plural} as CSV`,
    description:
      'Streams every live record matching the filter, in any number: an id column, then one column per field (a currency amount also gets `<field>__currency`). Numbers are written as stored, lists joined by `;`.',
    tags: [tag],
    parameters: [
      {
        name: 'format',
        in: 'query',
        required: false,
        description: 'The file format; CSV is the only one.',
        schema: { enum: ['csv'], default: 'csv' },
      },
      filterParameter(object, objects, true),
      sortParameter(object, objects, 'oldest first by default.'),
      fieldsParameter(object, objects, true),
    ],
    responses: {
      200: csvFile(`The ${plural.toLowerCase()} as UTF-8 CSV with a header row.`),
      ...problemResponses('BadRequest', 'Unauthorized', forbidden(['objectPermission'], ['exportData']), unseen),
    },
  };

  const importCsv: Operation = {
    operationId: `import${stem}Records`,
    summary: `Import ${plural} from CSV`,
    description: [
      'Starts an import job and answers at once: poll the job (Location) until it is completed or failed.',
      "The first row names the columns: a field's apiName or label, or as `mapping` says. Rows are written through the same checks as bulk writes, 1,000 at a time.",
    ].join(' '),
    tags: [tag],
    parameters: [
      {
        name: 'mode',
        in: 'query',
        required: false,
        description:
          '`allOrNone`: any bad row fails the job and nothing is written. `skipBadRows`: good rows are written, bad ones go to the error report.',
        schema: { enum: ['allOrNone', 'skipBadRows'], default: 'allOrNone' },
      },
      ...(keys.length
        ? [
            {
              name: 'upsertOn',
              in: 'query',
              required: false,
              description:
                'A unique field the file has a column for: a row whose value matches a live record updates it.',
              schema: { enum: keys },
            },
          ]
        : []),
      {
        name: 'mapping',
        in: 'query',
        required: false,
        description:
          "JSON: CSV header → the field it fills, or null to ignore the column. Headers it leaves out match a field's apiName or label, case-insensitively.",
        content: {
          'application/json': {
            schema: { type: 'object', additionalProperties: { enum: [...importTargets(object), null] } },
          },
        },
      },
    ],
    requestBody: {
      required: true,
      description: `The file, UTF-8, at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB.`,
      content: { 'text/csv': { schema: { type: 'string' } } },
    },
    responses: {
      202: {
        description: 'The job, queued.',
        headers: {
          Location: { description: 'URL of the import job.', schema: { type: 'string', format: 'uri-reference' } },
        },
        content: json(ref('ImportJob')),
      },
      ...problemResponses(
        [
          'BadRequest',
          'No header row, a header that matches no field, a bad mapping, or a file that is not CSV; no job was started.',
        ],
        'Unauthorized',
        forbidden(['objectPermission', 'fieldPermission'], ['importData']),
        unseen,
        ['PayloadTooLarge', `The file is over ${MAX_IMPORT_BYTES / 1024 / 1024} MB.`],
        ['UnsupportedMediaType', 'The body is not text/csv in UTF-8.'],
      ),
    },
  };

  return {
    [`${base}/bulk`]: { post: bulk, patch: bulkUpdate },
    [`${base}/bulk-delete`]: { post: bulkDelete },
    [`${base}/export`]: { get: exportCsv },
    [`${base}/import`]: { post: importCsv },
  };
}

export function importJobPaths(): Paths {
  const tags = ['Imports'];
  const mine = [
    'NotFound',
    "No such job, or another user's: a job and its report are its author's (and admins').",
  ] as const;
  const id = [
    {
      name: 'id',
      in: 'path',
      required: true,
      description: 'Import job id.',
      schema: { type: 'string', format: 'uuid' },
    },
  ];
  return {
    '/api/v1/imports/{id}': {
      parameters: id,
      get: {
        operationId: 'getImportJob',
        summary: 'Get an import job',
        tags,
        description: 'Its state and counts so far; poll it until `status` is completed or failed.',
        responses: {
          200: { description: 'The job.', content: json(ref('ImportJob')) },
          ...problemResponses('Unauthorized', forbidden(), mine),
        },
      },
    },
    '/api/v1/imports/{id}/errors.csv': {
      parameters: id,
      get: {
        operationId: 'getImportErrorReport',
        summary: 'Download the rows an import refused',
        tags,
        description:
          "One line per refused row: its row number in the file, the fields at fault, the messages, then the row's own cells under the file's headers, to fix and import again.",
        responses: {
          200: csvFile('The error report as UTF-8 CSV; only the header row when no row was refused.'),
          ...problemResponses('Unauthorized', forbidden(), mine),
        },
      },
    },
  };
}
