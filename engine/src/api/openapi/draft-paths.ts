import { forbidden, json, problemResponses, ref, type Paths } from './operation.js';

/** The draft as a whole: what it changes against the current release, and discarding it. */
export function draftPaths(): Paths {
  const tags = ['Metadata'];
  return {
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
