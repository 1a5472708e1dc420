import type { FieldError } from '../errors.js';
import type { FieldDef } from '../metadata/types.js';
import type { FieldTypeDef, JsonSchema } from './field-type.js';
import { CHOICE_OPERATORS, first, one } from './shared.js';

export const picklistValuesSetting: JsonSchema = {
  type: 'array',
  minItems: 1,
  title: 'Values',
  description: 'The choices, in display order.',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['value'],
    properties: {
      value: {
        type: 'string',
        minLength: 1,
        maxLength: 255,
        title: 'Value',
        description: 'Stored value; stays stable when the label changes.',
      },
      label: { $ref: 'label.schema.json', title: 'Label', description: 'What people see; defaults to the value.' },
      color: {
        type: 'string',
        pattern: '^#[0-9a-fA-F]{6}$',
        title: 'Colour',
        description: 'Colour of the badge and kanban column, as #rrggbb.',
      },
      active: {
        type: 'boolean',
        default: true,
        title: 'Active',
        description:
          'Offered when people choose a value. An inactive value stays on the records that hold it and can still be filtered on.',
      },
    },
  },
};

/** A value listed twice would be two choices people cannot tell apart. */
export function duplicateValues(field: FieldDef): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  (field.values ?? []).forEach((v, i) => {
    if (seen.has(v.value))
      errors.push({ field: `/values/${i}/value`, code: 'duplicate', message: `value "${v.value}" is listed twice` });
    seen.add(v.value);
  });
  return errors;
}

/** One choice from a list. Restricted (the default) refuses values that are not in the list. */
export const picklist: FieldTypeDef = {
  columns: () => one('character varying(255)'),
  settings: {
    values: picklistValuesSetting,
    restricted: {
      type: 'boolean',
      default: true,
      title: 'Only values from the list',
      description: 'Refuse values that are not in the list.',
    },
    isStage: {
      type: 'boolean',
      default: false,
      title: 'Show as a stage path',
      description: 'Show the values as a path (sales stage, case status) on the record page and kanban.',
    },
  },
  requiredSettings: ['values'],
  valueSchema: (f) =>
    f.restricted === false
      ? { type: 'string', maxLength: 255 }
      : { type: 'string', enum: (f.values ?? []).map((v) => v.value) },
  value: { operators: CHOICE_OPERATORS, groupable: true, aggregates: [], csv: 'choice' },
  sortable: true,
  toColumns: (v) => [v],
  fromColumns: first,
  widget: 'picklist',
  textSearch: true,
  nameField: true,
  formulaKind: 'text',
  check: duplicateValues,
};
