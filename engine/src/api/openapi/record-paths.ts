import type { CompiledObject } from '../../metadata/compile.js';
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
import {
  aggregateParameters,
  DEFAULT_LIMIT,
  fieldsParameter,
  filterParameter,
  MAX_LIMIT,
  sortParameter,
} from './record-parameters.js';

/**
 * One object's record paths: list and create, read, update and delete, the recycle bin
 * (restore, purge) and aggregates. Bulk writes, export and import are in bulk-paths.ts.
 */

export interface ObjectNames {
  /** The stem of its schema names and operationIds (SupportCase). */
  stem: string;
  /** Its tag, unique in the document. */
  tag: string;
}

/** A record the caller may not see answers like one that does not exist. */
const hidden = ['NotFound', 'No such record, or one you cannot see: the two answer alike.'] as const;
/** So does an object the caller may neither read nor create (security/access.ts). */
export const unseen = [
  'NotFound',
  'You may neither read nor create these records: the object answers as one that does not exist.',
] as const;

export function recordPaths(
  object: CompiledObject,
  objects: ReadonlyMap<string, CompiledObject>,
  { stem, tag }: ObjectNames,
): Paths {
  const { def } = object;
  const label = english(def.label);
  const plural = english(def.pluralLabel);
  const base = `/api/v1/records/${def.apiName}`;
  const etag = { ETag: headerRef('ETag') };

  const list: Operation = {
    operationId: `list${stem}Records`,
    summary: `List ${plural}`,
    description: `A page of ${plural.toLowerCase()}, newest first unless sorted. Follow \`nextCursor\` for the next page.`,
    tags: [tag],
    parameters: [
      filterParameter(object, objects, true),
      sortParameter(object, objects, 'newest first by default.'),
      fieldsParameter(object, objects, false),
      {
        name: 'limit',
        in: 'query',
        required: false,
        description: 'Records per page.',
        schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
      },
      {
        name: 'cursor',
        in: 'query',
        required: false,
        description: 'The `nextCursor` of the previous page; valid only with the same sort.',
        schema: { type: 'string' },
      },
      {
        name: 'count',
        in: 'query',
        required: false,
        description:
          "Also answer how many records match (`count`, `countType`): `exact` counts them (a second query), `estimated` takes the query planner's estimate, as cheap on any number of records.",
        schema: { enum: ['exact', 'estimated'] },
      },
      {
        name: 'deleted',
        in: 'query',
        required: false,
        description:
          '`only`: list the recycle bin (deleted records, which restore and purge take) instead of live records.',
        schema: { enum: ['only'] },
      },
    ],
    responses: {
      200: { description: `A page of ${plural.toLowerCase()}.`, content: json(ref(`${stem}List`)) },
      ...problemResponses('BadRequest', 'Unauthorized', forbidden(['objectPermission']), unseen),
    },
  };

  const create: Operation = {
    operationId: `create${stem}Record`,
    summary: `Create ${label}`,
    description:
      'You own the new record, unless the body names another `owner_id`, which needs modifyAll on the object.',
    tags: [tag],
    requestBody: { required: true, content: json(ref(`${stem}Input`)) },
    responses: {
      201: {
        description: `The new ${label}.`,
        headers: { ...etag, Location: headerRef('Location') },
        content: json(ref(`${stem}Record`)),
      },
      ...problemResponses(
        'BadRequest',
        'Unauthorized',
        forbidden(['objectPermission', 'fieldPermission', 'transfer']),
        unseen,
        'ValidationFailed',
      ),
    },
  };

  const aggregateParams = aggregateParameters(object);
  const missingRate = [
    'ValidationFailed',
    'An exchange rate to the corporate currency is missing for some records; `errors` names each currency.',
  ] as const;
  const aggregate: Operation = {
    operationId: `aggregate${stem}Records`,
    summary: `Aggregate ${plural}`,
    description: `Counts, sums, averages, minimums and maximums of live ${plural.toLowerCase()}, by group: \`?groupBy=<field>&metrics=count,sum:<field>\`. Every row holds each group key and each metric under the name it was asked by; at most 2,000 groups.`,
    tags: [tag],
    parameters: [...aggregateParams, filterParameter(object, objects, false)],
    responses: {
      200: { description: 'One row per group, ordered by the group values.', content: json(ref('AggregateResult')) },
      ...problemResponses(
        'BadRequest',
        'Unauthorized',
        forbidden(['objectPermission']),
        unseen,
        ...(aggregateParams.some((p) => p.name === 'currency') ? [missingRate] : []),
      ),
    },
  };

  const get: Operation = {
    operationId: `get${stem}Record`,
    summary: `Get ${label}`,
    tags: [tag],
    responses: {
      200: { description: `The ${label}.`, headers: etag, content: json(ref(`${stem}Record`)) },
      ...problemResponses('Unauthorized', forbidden(['objectPermission']), hidden),
    },
  };

  const update: Operation = {
    operationId: `update${stem}Record`,
    summary: `Update ${label}`,
    description:
      'Changes the fields in the body. Send `If-Match` with the ETag you read to refuse the change when someone else saved in between. A new `owner_id` transfers the record, which needs full access to it (owner, above the owner in the role hierarchy, or modifyAll).',
    tags: [tag],
    parameters: [parameterRef('IfMatch')],
    requestBody: { required: true, content: json(ref(`${stem}Patch`)) },
    responses: {
      200: { description: `The changed ${label}.`, headers: etag, content: json(ref(`${stem}Record`)) },
      ...problemResponses(
        'BadRequest',
        'Unauthorized',
        forbidden(['objectPermission', 'fieldPermission', 'recordAccess']),
        hidden,
        'PreconditionFailed',
        'ValidationFailed',
      ),
    },
  };

  const remove: Operation = {
    operationId: `delete${stem}Record`,
    summary: `Delete ${label}`,
    description:
      'Moves the record to the recycle bin. Records that point here are cleared, deleted too, or block the delete (409), as their lookup says.',
    tags: [tag],
    responses: {
      204: { description: 'Deleted.' },
      ...problemResponses('Unauthorized', forbidden(['objectPermission', 'recordAccess']), hidden, 'Conflict'),
    },
  };

  const restore: Operation = {
    operationId: `restore${stem}Record`,
    summary: `Restore ${label} from the recycle bin`,
    description:
      'Brings back a deleted record, with the records its delete took along. Refused while a record it points to is still deleted, or when a live record has taken one of its unique values.',
    tags: [tag],
    responses: {
      200: { description: `The restored ${label}.`, headers: etag, content: json(ref(`${stem}Record`)) },
      ...problemResponses(
        'Unauthorized',
        forbidden(['objectPermission', 'recordAccess']),
        ['NotFound', 'No such record in the recycle bin, or one you cannot see.'],
        ['ValidationFailed', 'A record it points to is deleted, or a unique value is taken; nothing was restored.'],
      ),
    },
  };

  const purge: Operation = {
    operationId: `purge${stem}Record`,
    summary: `Purge ${label} from the recycle bin`,
    description:
      'Deletes a record in the recycle bin for good, with its master-detail children. Live records cannot be purged: delete them first.',
    tags: [tag],
    responses: {
      204: { description: 'Gone for good.' },
      ...problemResponses(
        'Unauthorized',
        forbidden(['objectPermission', 'recordAccess']),
        ['NotFound', 'No such record in the recycle bin, or one you cannot see.'],
        ['Conflict', 'Other records still point at it; nothing was purged.'],
      ),
    },
  };

  const id = [parameterRef('RecordId')];
  return {
    [base]: { get: list, post: create },
    [`${base}/aggregate`]: { get: aggregate },
    [`${base}/{id}`]: { parameters: id, get, patch: update, delete: remove },
    [`${base}/{id}/restore`]: { parameters: id, post: restore },
    [`${base}/{id}/purge`]: { parameters: id, post: purge },
  };
}
