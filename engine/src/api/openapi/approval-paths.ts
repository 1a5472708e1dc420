import type { JsonSchema } from '../../fields/field-type.js';
import { forbidden, json, parameterRef, problemResponses, ref, type Paths } from './operation.js';

/** Approvals (engine/src/automation/approvals.ts): submit, recall and history on a record; an approver's queue and decisions. */

export const APPROVALS_TAG = {
  name: 'Approvals',
  description:
    'Records submitted to approval processes (metadata: /api/v1/meta/approval-processes): steps of approvers, decisions, recall, delegation. A record is locked for edits while its approval is pending (409 `approvalPending`; admins excepted).',
};

const DATE_TIME = { type: 'string', format: 'date-time' } as const;
const NULLABLE_TIME = { ...DATE_TIME, type: ['string', 'null'] };

const TASK = {
  type: 'object',
  required: ['id', 'step', 'approverId', 'status'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    step: { type: 'integer' },
    stepName: { type: ['string', 'null'] },
    approverId: { type: 'string', format: 'uuid' },
    status: { enum: ['pending', 'approved', 'rejected', 'skipped', 'reassigned'] },
    comment: { type: ['string', 'null'] },
    delegatedFrom: { type: ['string', 'null'], format: 'uuid', description: 'Who handed this task on.' },
    createdAt: DATE_TIME,
    decidedAt: NULLABLE_TIME,
  },
} as const;

const APPROVAL_FIELDS = {
  id: { type: 'string', format: 'uuid' },
  process: { type: 'string', description: 'API name of the approval process.' },
  label: ref('Label'),
  object: { type: 'string' },
  recordId: { type: 'string', format: 'uuid' },
  submittedBy: { type: 'string', format: 'uuid' },
  status: { enum: ['pending', 'approved', 'rejected', 'recalled'] },
  step: { type: 'integer', description: 'The step it is at (or ended at), from 0.' },
  stepName: { type: ['string', 'null'] },
  comment: { type: ['string', 'null'] },
  submittedAt: DATE_TIME,
  finishedAt: NULLABLE_TIME,
};

export const approvalSchemas: Record<string, JsonSchema> = {
  Approval: {
    type: 'object',
    required: ['id', 'process', 'object', 'recordId', 'status', 'tasks'],
    properties: { ...APPROVAL_FIELDS, tasks: { type: 'array', items: TASK } },
  },
  ApprovalTask: {
    ...TASK,
    properties: {
      ...TASK.properties,
      approval: { type: 'object', properties: APPROVAL_FIELDS, description: 'The approval the task belongs to.' },
    },
  },
};

const comment = { type: 'string', maxLength: 2000, description: 'A comment kept with the act.' };
const record = [parameterRef('RecordId')];
const task = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Task id.',
  schema: { type: 'string', format: 'uuid' },
};

/**
 * The approval paths of a record, for each object an active approval process covers (stem: the
 * object's name in operationIds), and the approver's own.
 */
export function approvalPaths(objects: ReadonlyMap<string, string>): Paths {
  const paths = approverPaths();
  for (const [object, stem] of objects) Object.assign(paths, recordPaths(object, stem));
  return paths;
}

const approval = { description: 'The approval now.', content: json(ref('Approval')) };

function recordPaths(object: string, stem: string): Paths {
  const tags = [APPROVALS_TAG.name];
  return {
    [`/api/v1/records/${object}/{id}/approval`]: {
      post: {
        operationId: `submit${stem}ForApproval`,
        summary: 'Submit a record for approval',
        description:
          'Needs edit access to the record. The first active process of the object whose entry condition holds takes it, or the one named.',
        tags,
        parameters: record,
        requestBody: {
          content: json({ type: 'object', properties: { process: { type: 'string' }, comment } }),
        },
        responses: {
          201: approval,
          ...problemResponses(
            'Unauthorized',
            forbidden(['recordAccess']),
            'NotFound',
            ['Conflict', 'It is already waiting for approval.'],
            ['ValidationFailed', 'No process takes it, or a step has nobody to ask.'],
          ),
        },
      },
      get: {
        operationId: `list${stem}Approvals`,
        summary: "A record's approvals with every task, newest first",
        tags,
        parameters: record,
        responses: {
          200: {
            description: 'Its approvals.',
            content: json({
              type: 'object',
              required: ['data'],
              properties: { data: { type: 'array', items: ref('Approval') } },
            }),
          },
          ...problemResponses('Unauthorized', forbidden(), 'NotFound'),
        },
      },
    },
    [`/api/v1/records/${object}/{id}/approval/recall`]: {
      post: {
        operationId: `recall${stem}Approval`,
        summary: 'Take back a pending approval (its submitter, or an admin)',
        tags,
        parameters: record,
        requestBody: { content: json({ type: 'object', properties: { comment } }) },
        responses: {
          200: approval,
          ...problemResponses('Unauthorized', forbidden(['recordAccess']), [
            'NotFound',
            'No such record, or no pending approval.',
          ]),
        },
      },
    },
  };
}

function approverPaths(): Paths {
  const tags = [APPROVALS_TAG.name];
  return {
    '/api/v1/approvals/mine': {
      get: {
        operationId: 'myApprovalTasks',
        summary: "The caller's pending approval tasks, oldest first",
        tags,
        responses: {
          200: {
            description: 'The tasks.',
            content: json({
              type: 'object',
              required: ['data'],
              properties: { data: { type: 'array', items: ref('ApprovalTask') } },
            }),
          },
          ...problemResponses('Unauthorized', forbidden()),
        },
      },
    },
    '/api/v1/approvals/{id}/decision': {
      post: {
        operationId: 'decideApproval',
        summary: 'Approve or reject',
        tags,
        parameters: [task],
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['decision'],
            properties: { decision: { enum: ['approve', 'reject'] }, comment },
          }),
        },
        responses: {
          200: approval,
          ...problemResponses(
            'Unauthorized',
            forbidden(),
            ['NotFound', 'No pending task of the caller.'],
            ['ValidationFailed', 'decision is not approve or reject.'],
          ),
        },
      },
    },
    '/api/v1/approvals/{id}/delegate': {
      post: {
        operationId: 'delegateApproval',
        summary: 'Hand a pending task to another user',
        tags,
        parameters: [task],
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['user'],
            properties: { user: { type: 'string', format: 'uuid' } },
          }),
        },
        responses: {
          200: approval,
          ...problemResponses(
            'Unauthorized',
            forbidden(),
            ['NotFound', 'No pending task of the caller.'],
            ['ValidationFailed', 'user is not another active user.'],
          ),
        },
      },
    },
  };
}
