import type { JsonSchema } from '../../fields/field-type.js';
import { forbidden, json, problemResponses, PUBLIC, ref, type Paths } from './operation.js';

/** Workflow runs (engine/src/automation): the history admins read, a retry, a webhook replayed. */

export const AUTOMATION_TAG = {
  name: 'Automation',
  description:
    'Runs of workflows: what started each, every action attempt with its input, outcome, timing and error; retry a failed run, send a webhook again. Workflows themselves are metadata (/api/v1/meta/workflows).',
};

const DATE_TIME = { type: 'string', format: 'date-time' } as const;
const STATUS = {
  enum: ['queued', 'running', 'waiting', 'retrying', 'succeeded', 'failed'],
  description:
    'queued: waiting for the job queue; running; waiting: parked by a wait action until its time; retrying: an attempt failed and another is scheduled; succeeded; failed: an action was refused, attempts ran out, or the chain of workflows was too deep.',
};

export const NOTIFICATIONS_TAG = {
  name: 'Notifications',
  description: "The signed-in user's notifications (the bell), put there by workflows' notify actions.",
};

export const automationSchemas: Record<string, JsonSchema> = {
  InboundAnswer: {
    type: 'object',
    required: ['created', 'id', 'runId'],
    properties: {
      created: { type: 'boolean' },
      id: { type: 'string', format: 'uuid', description: 'The record written.' },
      runId: {
        type: ['string', 'null'],
        format: 'uuid',
        description: "The run of the workflow's actions; null when its condition did not hold.",
      },
    },
  },
  Notification: {
    type: 'object',
    required: ['id', 'title', 'body', 'object', 'recordId', 'runId', 'createdAt', 'readAt'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      title: { type: 'string' },
      body: { type: ['string', 'null'] },
      object: { type: ['string', 'null'], description: 'The object of the record it is about.' },
      recordId: { type: ['string', 'null'], format: 'uuid' },
      runId: { type: ['string', 'null'], format: 'uuid', description: 'The workflow run that sent it.' },
      createdAt: DATE_TIME,
      readAt: { ...DATE_TIME, type: ['string', 'null'] },
    },
  },
  AutomationRun: {
    type: 'object',
    required: ['id', 'workflow', 'release', 'object', 'event', 'changed', 'depth', 'status', 'attempts', 'createdAt'],
    properties: {
      id: { type: 'string', format: 'uuid', description: 'Run id; runs sort by it, newest last.' },
      workflow: { type: 'string', description: 'API name of the workflow.' },
      release: { type: 'integer', description: 'The release whose definition of the workflow the run follows.' },
      object: { type: 'string' },
      recordId: { type: ['string', 'null'], format: 'uuid', description: 'The record whose change started the run.' },
      event: {
        enum: ['created', 'updated', 'deleted', 'restored', 'manual', 'scheduled', 'inbound', 'approval'],
        description:
          'The change that started the run; manual: a person started it for the record; scheduled: a schedule or a time relative to a date of the record; inbound: a POST to an inbound workflow; approval: an approval process was submitted, decided or recalled.',
      },
      changed: { type: 'array', items: { type: 'string' }, description: 'Fields the change changed (updates).' },
      userId: {
        type: ['string', 'null'],
        format: 'uuid',
        description: 'Who made the change; the actions run as them.',
      },
      depth: {
        type: 'integer',
        description: 'How many workflow runs in a row led to this change (0: a person or integration made it).',
      },
      status: STATUS,
      attempts: { type: 'integer', description: 'Times the run was picked up by the queue.' },
      error: { type: ['string', 'null'], description: 'Why it failed, or why the last attempt did.' },
      createdAt: DATE_TIME,
      startedAt: { ...DATE_TIME, type: ['string', 'null'] },
      finishedAt: { ...DATE_TIME, type: ['string', 'null'] },
    },
  },
  AutomationStep: {
    type: 'object',
    required: ['step', 'action', 'attempt', 'status', 'startedAt', 'durationMs'],
    properties: {
      step: { type: 'integer', description: "The action's place in the workflow, from 0." },
      action: { type: 'string', description: 'Its type: updateRecord, createRecord, webhook, email, wait.' },
      attempt: { type: 'integer', description: '1 for the first try of this action, then 2, 3 …' },
      status: {
        enum: ['succeeded', 'failed', 'replayed'],
        description: 'replayed: an admin sent a webhook again and the receiver took it.',
      },
      input: { description: 'The action as the workflow defines it.' },
      output: { description: 'What it did: values written, the record created, the HTTP status and duration.' },
      error: { type: ['string', 'null'] },
      startedAt: DATE_TIME,
      durationMs: { type: 'integer' },
    },
  },
  AutomationRunDetail: {
    allOf: [
      ref('AutomationRun'),
      {
        type: 'object',
        required: ['record', 'definition', 'steps'],
        properties: {
          record: { type: 'object', description: 'The record after the change, as the run saw it.' },
          oldRecord: { type: ['object', 'null'], description: 'The record before it (updates and deletes).' },
          definition: ref('WorkflowDefinition'),
          steps: {
            type: 'array',
            items: ref('AutomationStep'),
            description: 'Every attempt at every action, in order.',
          },
        },
      },
    ],
  },
};

const runId = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Run id.',
  schema: { type: 'string', format: 'uuid' },
};

export function automationPaths(): Paths {
  const tags = [AUTOMATION_TAG.name];
  const admin = forbidden([], ['manageMetadata']);
  const query = (name: string, description: string, schema: JsonSchema) => ({
    name,
    in: 'query',
    required: false,
    description,
    schema,
  });
  const mine = { tags: [NOTIFICATIONS_TAG.name] };
  return {
    '/api/v1/notifications': {
      get: {
        ...mine,
        operationId: 'listNotifications',
        summary: 'My notifications, newest first, and how many are unread',
        parameters: [
          query('unread', 'true: only unread ones.', { enum: ['true', 'false'] }),
          query('limit', 'At most this many (1–100, 20 by default).', { type: 'integer', minimum: 1, maximum: 100 }),
          query('before', 'The next page: older than this notification id.', { type: 'string', format: 'uuid' }),
        ],
        responses: {
          200: {
            description: 'The notifications and the unread count.',
            content: json({
              type: 'object',
              required: ['data', 'unread'],
              properties: { data: { type: 'array', items: ref('Notification') }, unread: { type: 'integer' } },
            }),
          },
          ...problemResponses(['BadRequest', 'A parameter is not as described.'], 'Unauthorized', forbidden()),
        },
      },
    },
    '/api/v1/notifications/read': {
      post: {
        ...mine,
        operationId: 'readAllNotifications',
        summary: 'Mark all my notifications read',
        responses: {
          200: {
            description: 'How many were unread.',
            content: json({ type: 'object', required: ['marked'], properties: { marked: { type: 'integer' } } }),
          },
          ...problemResponses('Unauthorized', forbidden()),
        },
      },
    },
    '/api/v1/notifications/{id}/read': {
      post: {
        ...mine,
        operationId: 'readNotification',
        summary: 'Mark one of my notifications read',
        parameters: [{ ...runId, description: 'Notification id.' }],
        responses: {
          204: { description: 'Read.' },
          ...problemResponses('Unauthorized', forbidden(), ['NotFound', 'No such notification of yours.']),
        },
      },
    },
    '/api/v1/automation/runs': {
      get: {
        operationId: 'listAutomationRuns',
        summary: 'Workflow runs, newest first',
        tags,
        parameters: [
          query('workflow', 'Only runs of this workflow (API name).', { type: 'string' }),
          query('status', 'Only runs in this status.', STATUS),
          query('record', 'Only runs started by changes to this record.', { type: 'string', format: 'uuid' }),
          query('limit', 'At most this many (1–200, 50 by default).', { type: 'integer', minimum: 1, maximum: 200 }),
          query('before', 'The next page: runs older than this run id (the last of the page before).', {
            type: 'string',
            format: 'uuid',
          }),
        ],
        responses: {
          200: {
            description: 'The runs.',
            content: json({
              type: 'object',
              required: ['runs'],
              properties: { runs: { type: 'array', items: ref('AutomationRun') } },
            }),
          },
          ...problemResponses(
            ['BadRequest', 'A parameter is not as described; `errors` names it.'],
            'Unauthorized',
            admin,
          ),
        },
      },
    },
    '/api/v1/automation/workflows/{apiName}/run': {
      post: {
        operationId: 'runManualWorkflow',
        summary: 'Start a manual workflow for records',
        description:
          'For a workflow whose trigger is `{ "manual": true }` (the buttons on record pages and list rows). Each record must be one the caller can see; the condition decides per record; the runs act as the caller, with their permissions.',
        tags,
        parameters: [
          {
            name: 'apiName',
            in: 'path',
            required: true,
            description: 'API name of the workflow.',
            schema: { type: 'string' },
          },
        ],
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['records'],
            properties: {
              records: {
                type: 'array',
                minItems: 1,
                maxItems: 200,
                items: { type: 'string', format: 'uuid' },
                description: 'Ids of the records to run it for.',
              },
            },
          }),
        },
        responses: {
          202: {
            description: 'The runs started (queued), and the records whose condition did not hold.',
            content: json({
              type: 'object',
              required: ['runs', 'skipped'],
              properties: {
                runs: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['recordId', 'runId'],
                    properties: {
                      recordId: { type: 'string', format: 'uuid' },
                      runId: { type: 'string', format: 'uuid' },
                    },
                  },
                },
                skipped: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['recordId', 'reason'],
                    properties: { recordId: { type: 'string', format: 'uuid' }, reason: { type: 'string' } },
                  },
                },
              },
            }),
          },
          ...problemResponses(
            'Unauthorized',
            forbidden(),
            [
              'NotFound',
              'No active manual workflow of that name on an object the caller sees, or a record they cannot see.',
            ],
            ['ValidationFailed', '`records` is not 1 to 200 record ids.'],
          ),
        },
      },
    },
    '/api/v1/inbound/{tenant}/{secret}': {
      post: {
        operationId: 'postInbound',
        summary: 'Push a record into an inbound workflow',
        description:
          "For other systems (an ERP, a web form): no session, the secret in the URL is the credential (the workflow's `trigger.secret`). The JSON object of field values becomes a record of the workflow's object — created, or updated when the trigger's `upsertOn` field matches one — written as the trigger's `user` with their permissions, and the workflow's actions run for it. Send `tessera-chain-depth` on when a Tessera webhook started the exchange.",
        tags,
        security: PUBLIC,
        parameters: [
          {
            name: 'tenant',
            in: 'path',
            required: true,
            description: 'The tenant (`default` for the default one).',
            schema: { type: 'string' },
          },
          {
            name: 'secret',
            in: 'path',
            required: true,
            description: "The workflow's secret.",
            schema: { type: 'string' },
          },
          {
            name: 'tessera-chain-depth',
            in: 'header',
            required: false,
            description: 'How many workflows in a row led here (Tessera webhooks send it); 16 or more is refused.',
            schema: { type: 'integer', minimum: 0 },
          },
        ],
        requestBody: { required: true, content: json({ type: 'object', description: 'Field API name → value.' }) },
        responses: {
          200: { description: 'An existing record (upsertOn) was updated.', content: json(ref('InboundAnswer')) },
          201: { description: 'A record was created.', content: json(ref('InboundAnswer')) },
          ...problemResponses(
            ['NotFound', 'No active inbound workflow has this secret in this tenant.'],
            ['Conflict', 'The chain of workflows is too deep, or the workflow’s user is gone; nothing was written.'],
            ['ValidationFailed', 'The values were refused; `errors` names each field and rule. Nothing was written.'],
          ),
        },
      },
    },
    '/api/v1/automation/runs/{id}': {
      get: {
        operationId: 'getAutomationRun',
        summary: 'A run with every action attempt',
        tags,
        parameters: [runId],
        responses: {
          200: { description: 'The run.', content: json(ref('AutomationRunDetail')) },
          ...problemResponses('Unauthorized', admin, 'NotFound'),
        },
      },
    },
    '/api/v1/automation/runs/{id}/retry': {
      post: {
        operationId: 'retryAutomationRun',
        summary: 'Run a failed run again',
        description:
          'From its first action that has not succeeded, on the definition it started with (a workflow changed since does not change it).',
        tags,
        parameters: [runId],
        responses: {
          200: { description: 'The run, queued again.', content: json(ref('AutomationRun')) },
          ...problemResponses('Unauthorized', admin, 'NotFound', ['Conflict', 'The run has not failed.']),
        },
      },
    },
    '/api/v1/automation/runs/{id}/steps/{step}/replay': {
      post: {
        operationId: 'replayWebhook',
        summary: 'Send a webhook again',
        description:
          "Delivers the webhook of this action again, now, with the same webhook-id and body, and enables its endpoint if a 410 had disabled it. The attempt is added to the run's steps; the run's status stays.",
        tags,
        parameters: [
          runId,
          {
            name: 'step',
            in: 'path',
            required: true,
            description: "The action's place, from 0.",
            schema: { type: 'integer', minimum: 0 },
          },
        ],
        responses: {
          200: {
            description: 'Whether the receiver took it.',
            content: json({
              type: 'object',
              required: ['step', 'ok'],
              properties: {
                step: { type: 'integer' },
                ok: { type: 'boolean', description: 'The receiver answered 2xx.' },
                error: { type: 'string', description: 'Why not.' },
              },
            }),
          },
          ...problemResponses(
            'Unauthorized',
            admin,
            ['NotFound', 'No such run or action.'],
            ['Conflict', 'The action is not a webhook, or the user it runs as is gone.'],
          ),
        },
      },
    },
  };
}
