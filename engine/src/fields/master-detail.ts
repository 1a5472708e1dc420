import type { FieldTypeDef } from './field-type.js';
import { targetSetting, UUID_VALUE } from './lookup.js';
import { CHOICE_OPERATORS, first, one } from './shared.js';

/** A child's tie to its parent: always required, and the child is deleted with its parent. */
export const masterDetail: FieldTypeDef = {
  columns: () => one('uuid'),
  settings: {
    target: targetSetting,
    relationshipName: {
      type: 'string',
      pattern: '^[a-z][a-z0-9_]{0,39}$',
      title: 'Related list name',
      description: 'Name of the related list on the parent.',
    },
  },
  requiredSettings: ['target'],
  valueSchema: () => UUID_VALUE,
  value: { operators: CHOICE_OPERATORS, groupable: true, aggregates: [], csv: 'token' },
  sortable: true,
  toColumns: (v) => [v],
  fromColumns: first,
  widget: 'lookup',
  relation: { onDelete: () => 'cascade', alwaysRequired: true },
};
