import type { CompiledObject } from '../../metadata/compile.js';
import {
  english,
  forbidden,
  json,
  parameterRef,
  problemResponses,
  ref,
  type Operation,
  type Paths,
} from './operation.js';
import type { ObjectNames } from './record-paths.js';

/**
 * One object's record security paths: field history, manual shares, and who may do what with a
 * record and why.
 */

const hidden = ['NotFound', 'No such record, or one you cannot see: the two answer alike.'] as const;

export function sharingPaths(object: CompiledObject, { stem, tag }: ObjectNames): Paths {
  const { def } = object;
  const label = english(def.label);
  const base = `/api/v1/records/${def.apiName}/{id}`;
  const tags = [tag];
  const list = (schema: string, description: string) => ({
    description,
    content: json({ type: 'object', required: ['data'], properties: { data: { type: 'array', items: ref(schema) } } }),
  });

  const history: Operation = {
    operationId: `get${stem}History`,
    summary: `History of ${label}`,
    tags,
    description:
      "The record's latest 200 changes, newest first: created, each changed field (old → new), owner transfers, deleted, restored. Needs read access to the record; entries of fields you may not read are left out. No API changes history.",
    responses: {
      200: list('HistoryEntry', 'Newest first.'),
      ...problemResponses('Unauthorized', forbidden(['objectPermission']), hidden),
    },
  };
  const listShares: Operation = {
    operationId: `list${stem}Shares`,
    summary: `Manual shares of ${label}`,
    tags,
    description: 'Anyone who can see the record sees its shares.',
    responses: {
      200: list('Share', 'Oldest first.'),
      ...problemResponses('Unauthorized', forbidden(['objectPermission']), hidden),
    },
  };
  const addShare: Operation = {
    operationId: `share${stem}`,
    summary: `Share ${label} with a user or group`,
    tags,
    description:
      'Needs full access to the record: its owner, a user above the owner in the role hierarchy, or modifyAll. Counts from the next request.',
    requestBody: { required: true, content: json(ref('NewShare')) },
    responses: {
      201: { description: 'The share.', content: json(ref('Share')) },
      ...problemResponses(
        ['BadRequest', 'The body has properties shares do not have.'],
        'Unauthorized',
        forbidden(['objectPermission', 'recordAccess']),
        hidden,
        [
          'ValidationFailed',
          'Not exactly one of userId and group, an access other than read or edit, an inactive or unknown user, or an unknown group.',
        ],
      ),
    },
  };
  const removeShare: Operation = {
    operationId: `unshare${stem}`,
    summary: `Remove a share of ${label}`,
    tags,
    description: 'Needs full access to the record, like sharing it. Counts from the next request.',
    responses: {
      204: { description: 'The share is gone.' },
      ...problemResponses('Unauthorized', forbidden(['objectPermission', 'recordAccess']), [
        'NotFound',
        'No such record you can see, or no such share of it.',
      ]),
    },
  };
  const access: Operation = {
    operationId: `explain${stem}Access`,
    summary: `Who may do what with ${label}, and why`,
    tags,
    description:
      'Whether a user can read, edit and delete (share, transfer) the record, and every grant that reaches it. The verdicts come from the same SQL conditions every request uses. Asking about another user needs manageUsers.',
    parameters: [
      {
        name: 'user',
        in: 'query',
        required: false,
        description: 'The user to explain; yourself by default.',
        schema: { type: 'string', format: 'uuid' },
      },
    ],
    responses: {
      200: { description: 'The verdicts and the grants.', content: json(ref('AccessExplanation')) },
      ...problemResponses('Unauthorized', forbidden(['objectPermission'], ['manageUsers to ask about another user']), [
        'NotFound',
        'No such record you can see, or no such user.',
      ]),
    },
  };

  const id = [parameterRef('RecordId')];
  return {
    [`${base}/history`]: { parameters: id, get: history },
    [`${base}/shares`]: { parameters: id, get: listShares, post: addShare },
    [`${base}/shares/{shareId}`]: {
      parameters: [
        ...id,
        {
          name: 'shareId',
          in: 'path',
          required: true,
          description: 'Share id.',
          schema: { type: 'string', format: 'uuid' },
        },
      ],
      delete: removeShare,
    },
    [`${base}/access`]: { parameters: id, get: access },
  };
}
