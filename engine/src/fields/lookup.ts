import type { FieldTypeDef, JsonSchema } from './field-type.js';
import { CHOICE_OPERATORS, first, one } from './shared.js';

/** A record id (our uuid format refuses the urn:uuid: prefix Postgres does not take; see metadata/schemas.ts). */
export const UUID_VALUE: JsonSchema = { type: 'string', format: 'uuid' };

export const targetSetting: JsonSchema = {
  type: 'string',
  pattern: '^[a-z][a-z0-9_]{0,39}$',
  title: 'Related object',
  description: 'API name of the object this field points to.',
};

/** A reference to a record of another object: a uuid column with a foreign key. */
export const lookup: FieldTypeDef = {
  columns: () => one('uuid'),
  settings: {
    target: targetSetting,
    onDelete: {
      enum: ['restrict', 'setNull', 'cascade'],
      default: 'setNull',
      title: 'When the related record is deleted',
      description:
        'When the referenced record is deleted: refuse (restrict), clear this field (setNull) or delete this record too (cascade).',
    },
    relationshipName: {
      type: 'string',
      pattern: '^[a-z][a-z0-9_]{0,39}$',
      title: 'Related list name',
      description: 'Name of the related list on the target (defaults to this object’s plural).',
    },
  },
  requiredSettings: ['target'],
  valueSchema: () => UUID_VALUE,
  value: { operators: CHOICE_OPERATORS, groupable: true, aggregates: [], csv: 'token' },
  sortable: true,
  toColumns: (v) => [v],
  fromColumns: first,
  widget: 'lookup',
  relation: { onDelete: (f) => f.onDelete ?? 'setNull' },
};
