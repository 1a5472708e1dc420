import { forbidden, json, problemResponses, ref, type Paths } from './operation.js';

const step = {
  type: ['object', 'null'],
  required: ['seq', 'at', 'items'],
  description: 'One edit of the draft: a save or delete, with the items it rewrote to follow a rename.',
  properties: {
    seq: { type: 'integer' },
    at: { type: 'string', format: 'date-time', description: 'When the edit was made.' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind', 'apiName', 'change'],
        properties: {
          kind: { type: 'string', description: 'object, layout, listView, workflow, …' },
          apiName: { type: 'string' },
          change: { type: 'string', enum: ['created', 'changed', 'deleted'] },
        },
      },
    },
  },
};

const history = {
  type: 'object',
  required: ['undo', 'redo'],
  properties: {
    undo: { ...step, description: 'The edit an undo would take back; null when there is none.' },
    redo: { ...step, description: 'The edit a redo would put forward; null when there is none.' },
  },
};

/** The draft as a whole: what it changes against the current release, undo and redo, discarding it. */
export function draftPaths(): Paths {
  const tags = ['Metadata'];
  const undoOrRedo = (direction: 'undo' | 'redo') => ({
    post: {
      operationId: `${direction}DraftEdit`,
      summary: direction === 'undo' ? 'Undo the last unpublished edit' : 'Redo the last undone edit',
      tags,
      description:
        direction === 'undo'
          ? "Puts back every draft item the newest edit changed, as it was before, in one transaction. The history is the tenant's draft's, whoever made the edit; publishing, discarding and rolling back start it afresh, and a new edit drops what was undone. Needs manageMetadata."
          : 'Puts forward the oldest undone edit again, in one transaction. Needs manageMetadata.',
      responses: {
        200: {
          description: `The edit ${direction === 'undo' ? 'undone' : 'redone'}, and what an undo and a redo would now do.`,
          content: json({
            ...history,
            required: ['step', 'undo', 'redo'],
            properties: { step, ...history.properties },
          }),
        },
        ...problemResponses('Unauthorized', forbidden([], ['manageMetadata']), [
          'Conflict',
          `Nothing to ${direction} (code undo), or an item changed outside the history since (code stale); nothing changed.`,
        ]),
      },
    },
  });
  return {
    '/api/v1/meta/draft/history': {
      get: {
        operationId: 'getDraftHistory',
        summary: 'What undo and redo would do',
        tags,
        description: 'The unpublished edit an undo would take back and the undone one a redo would put forward.',
        responses: {
          200: { description: 'The next undo and redo.', content: json(history) },
          ...problemResponses('Unauthorized', forbidden([], ['manageMetadata'])),
        },
      },
    },
    '/api/v1/meta/draft/undo': undoOrRedo('undo'),
    '/api/v1/meta/draft/redo': undoOrRedo('redo'),
    '/api/v1/meta/draft/changes': {
      get: {
        operationId: 'listDraftChanges',
        summary: 'What the draft changes against the current release',
        tags,
        description:
          'The items a publish would add, change, rename or remove, by stable id, each changed or renamed one with the properties that differ. Empty when there is nothing to publish.',
        responses: {
          200: {
            description: 'The current release and the changes.',
            content: json({
              type: 'object',
              required: ['release', 'changes'],
              properties: {
                release: { type: ['integer', 'null'], description: 'The current release the draft is compared with.' },
                changes: { type: 'array', items: ref('DraftChange') },
              },
            }),
          },
          ...problemResponses('Unauthorized', forbidden([], ['manageMetadata', 'manageUsers'])),
        },
      },
    },
    '/api/v1/meta/draft/discard': {
      post: {
        operationId: 'discardDraft',
        summary: 'Discard the unpublished changes',
        tags,
        description:
          'Makes the draft the current release again, in one transaction: every edit since the last publish or rollback is gone. Nothing live changes. Needs manageMetadata.',
        responses: {
          200: {
            description: 'The release the draft now equals.',
            content: json({
              type: 'object',
              required: ['release'],
              properties: { release: { type: ['integer', 'null'] } },
            }),
          },
          ...problemResponses('Unauthorized', forbidden([], ['manageMetadata'])),
        },
      },
    },
  };
}
