import type { JsonSchema } from '../../fields/field-type.js';
import { forbidden, headerRef, json, problemResponses, ref, type Paths } from './operation.js';

/**
 * The caller's own saved list views (engine/src/views): one pair of paths for every object, the
 * object a path parameter limited to the release's objects.
 */

export const VIEWS_TAG = {
  name: 'Saved views',
  description:
    "Each user's own saved list views (columns, filter, sort under a name), private to their owner. Shared views are metadata (list-views).",
};

const DATE_TIME = { type: 'string', format: 'date-time' } as const;
const COLUMN = {
  type: 'string',
  pattern: '^[a-z][a-z0-9_]{0,39}(\\.[a-z][a-z0-9_]{0,39})?$',
  description:
    "A field of the object, or a lookup, a dot and a field of its target (`account.name`): what the list API's `fields` takes.",
};
const LABEL = {
  type: 'string',
  minLength: 1,
  maxLength: 80,
  description: "The name in the view picker, unique among the user's views of the object (case aside); trimmed.",
};
const COLUMNS = {
  type: 'array',
  minItems: 1,
  maxItems: 200,
  uniqueItems: true,
  items: COLUMN,
  description: 'The columns, in order.',
};
const SORT = {
  type: 'string',
  maxLength: 500,
  description:
    "The list API's `sort`: comma-separated sortable fields, a leading minus for descending (`-amount,name`).",
};

export const viewSchemas: Record<string, JsonSchema> = {
  SavedView: {
    type: 'object',
    description:
      'A saved list view as it runs now for its owner: parts naming a field that was deleted since, or that the owner may no longer read, are left out and listed in `dropped` (the stored view keeps them, so a grant given back restores them). Renamed fields and objects are followed.',
    required: ['id', 'object', 'label', 'columns', 'createdAt', 'updatedAt', 'dropped'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      object: { type: 'string', description: "The object's API name now." },
      label: LABEL,
      columns: { ...COLUMNS, minItems: 0, description: 'The columns, in order; empty when every column was dropped.' },
      filter: ref('Filter'),
      sort: SORT,
      createdAt: DATE_TIME,
      updatedAt: DATE_TIME,
      dropped: {
        type: 'array',
        items: ref('FieldError'),
        description:
          'What was left out: `field` is a JSON pointer into the view (`/columns/2`, `/filter`, `/sort`), `code` is `removed` (the field was deleted) or the check that fails now (`unknownField`, also for a field the caller may no longer read; `operator` …).',
      },
    },
  },
  NewSavedView: {
    type: 'object',
    additionalProperties: false,
    required: ['label', 'columns'],
    properties: {
      label: LABEL,
      columns: COLUMNS,
      filter: { anyOf: [ref('Filter'), { type: 'null' }] },
      sort: { type: ['string', 'null'], maxLength: 500, description: SORT.description },
    },
  },
  SavedViewChange: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    description: 'The parts to change; the others stay. `null` removes the filter or the sort.',
    properties: {
      label: LABEL,
      columns: COLUMNS,
      filter: { anyOf: [ref('Filter'), { type: 'null' }] },
      sort: { type: ['string', 'null'], maxLength: 500, description: SORT.description },
    },
  },
};

export function viewPaths(objectNames: readonly string[]): Paths {
  const tags = [VIEWS_TAG.name];
  const object = {
    name: 'object',
    in: 'path',
    required: true,
    description: 'API name of the object the views list.',
    schema: objectNames.length ? { enum: [...objectNames] } : { type: 'string' },
  };
  const id = {
    name: 'id',
    in: 'path',
    required: true,
    description: 'Saved view id.',
    schema: { type: 'string', format: 'uuid' },
  };
  const hidden = [
    'NotFound',
    "No such object, or no such view of yours: another user's view answers the same.",
  ] as const;
  const refused = forbidden(['objectPermission']);
  const unseenObject = ['NotFound', 'No such object, or one you may neither read nor create.'] as const;
  const invalid = [
    'BadRequest',
    'A property saved views do not have, a missing or malformed one, a column that is not a field, or a filter or sort the records API would refuse; `errors` names each, as a JSON pointer into the body.',
  ] as const;
  const clash = [
    'Conflict',
    'You have a view of that name already (`/label`, `unique`), or 100 views of the object (`maxViews`).',
  ] as const;
  return {
    '/api/v1/views/{object}': {
      parameters: [object],
      get: {
        operationId: 'listSavedViews',
        summary: 'Your saved views of an object',
        tags,
        description: "Only the caller's own views, by label. Needs read access to the object.",
        responses: {
          200: {
            description: 'By label, case aside.',
            content: json({
              type: 'object',
              required: ['data'],
              properties: { data: { type: 'array', items: ref('SavedView') } },
            }),
          },
          ...problemResponses('Unauthorized', forbidden(['objectPermission']), unseenObject),
        },
      },
      post: {
        operationId: 'createSavedView',
        summary: 'Save a view of an object',
        tags,
        description:
          'Checked like a list request: the columns, the filter and the sort must name fields the caller may read. Private to the caller; not a setup-audit event.',
        requestBody: { required: true, content: json(ref('NewSavedView')) },
        responses: {
          201: {
            description: 'The view.',
            headers: { Location: headerRef('Location') },
            content: json(ref('SavedView')),
          },
          ...problemResponses(invalid, 'Unauthorized', refused, unseenObject, clash),
        },
      },
    },
    '/api/v1/views/{object}/{id}': {
      parameters: [object, id],
      get: {
        operationId: 'getSavedView',
        summary: 'One of your saved views',
        tags,
        responses: {
          200: { description: 'The view.', content: json(ref('SavedView')) },
          ...problemResponses('Unauthorized', forbidden(['objectPermission']), hidden),
        },
      },
      patch: {
        operationId: 'updateSavedView',
        summary: 'Rename a saved view or change what it shows',
        tags,
        description: 'The parts sent are checked like a create; the others stay as they are.',
        requestBody: { required: true, content: json(ref('SavedViewChange')) },
        responses: {
          200: { description: 'The view.', content: json(ref('SavedView')) },
          ...problemResponses(invalid, 'Unauthorized', refused, hidden, clash),
        },
      },
      delete: {
        operationId: 'deleteSavedView',
        summary: 'Delete a saved view',
        tags,
        responses: {
          204: { description: 'The view is gone.' },
          ...problemResponses('Unauthorized', forbidden(['objectPermission']), hidden),
        },
      },
    },
  };
}
