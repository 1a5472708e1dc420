import { describe, expect, it } from 'vitest';
import workflowSchema from '../../../metadata/schemas/workflow.schema.json';
import { actionsFromRows, rowsFromActions } from './action-rows';
import {
  actionBranches,
  branchForm,
  branchOfAction,
  cleanData,
  fromFormData,
  generalFieldErrors,
  problemsUnder,
  resolveRefs,
  stepBranch,
  toErrorSchema,
  toFormData,
  triggerBranches,
  triggerKindOf,
} from './schema-branch';

const title = (n: string) => `T:${n}`;
const branches = actionBranches();
const branch = (key: string) => branches.find((b) => b.key === key)!;

describe('the action branches of workflow.schema.json', () => {
  it('has one per oneOf branch, in the schema order, a repeated type told apart by its own property', () => {
    const types = workflowSchema.$defs.action.properties.type.enum.filter((t) => t !== 'updateRelated');
    expect(branches.map((b) => b.key)).toEqual([
      ...types.slice(0, types.indexOf('startApproval')),
      'updateRelated.parent',
      'updateRelated.children',
      'startApproval',
    ]);
    expect(branches).toHaveLength(workflowSchema.$defs.action.oneOf.length);
  });

  it('fixes the type, keeps the other properties with their $refs resolved and their own descriptions', () => {
    const update = branch('updateRecord');
    expect(update.fixed).toEqual({ type: 'updateRecord' });
    expect(update.required).toEqual(['values']);
    expect(update.description).toBe('Changes the triggering record.');
    expect(update.properties.values).toMatchObject({
      type: 'object',
      minProperties: 1,
      description: 'The fields to set and their new values.',
    });
    // A $ref inside items: the recipient's properties are there.
    const to = branch('email').properties.to as { items: { properties: Record<string, unknown> } };
    expect(Object.keys(to.items.properties)).toEqual(['address', 'field', 'owner']);
  });

  it('finds the branch of a stored action, the updateRelated variant by its properties', () => {
    expect(branchOfAction(branches, { type: 'updateRelated', children: {}, values: {} })?.key).toBe(
      'updateRelated.children',
    );
    expect(branchOfAction(branches, { type: 'updateRelated', parent: 'account', values: {} })?.key).toBe(
      'updateRelated.parent',
    );
    expect(branchOfAction(branches, { type: 'nope' })).toBeUndefined();
  });

  it('resolves a $ref into another schema file', () => {
    const resolved = resolveRefs({ $ref: 'label.schema.json', description: 'own' }, {}) as Record<string, unknown>;
    expect(resolved.description).toBe('own');
    expect(resolved.oneOf).toHaveLength(2);
    expect(() => resolveRefs({ $ref: 'missing.json' }, {})).toThrow(/missing.json/);
  });
});

describe('a branch as a form', () => {
  it('edits free JSON as text, offers the objects, titles nested properties and draws const true as a checkbox', () => {
    const form = branchForm(branch('createRecord'), title, {
      objects: [
        { value: 'account', label: 'Account' },
        { value: 'task', label: 'Task' },
      ],
    });
    expect(form.json).toEqual(['values']);
    expect(form.schema.required).toEqual(['object', 'values']);
    expect(form.schema.properties!.object).toMatchObject({
      type: 'string',
      enum: ['account', 'task'],
      title: 'T:object',
    });
    expect(form.schema.properties!.values).toMatchObject({ type: 'string', title: 'T:values' });
    expect(form.uiSchema.object).toEqual({ 'ui:enumNames': ['Account', 'Task'] });
    expect(form.uiSchema.values).toEqual({ 'ui:widget': 'textarea', 'ui:options': { rows: 3 } });
    const notify = branchForm(branch('notify'), title);
    const audience = (
      notify.schema.properties!.to as { items: { properties: Record<string, Record<string, unknown>> } }
    ).items.properties;
    expect(audience.owner).toMatchObject({ const: true, type: 'boolean', title: 'T:owner' });
  });

  it('round-trips an action through the form data, JSON as text', () => {
    const form = branchForm(branch('updateRecord'), title);
    const action = { type: 'updateRecord', values: { stage: 'won', amount: { '*': [{ var: 'amount' }, 2] } } };
    const data = toFormData(form, action);
    expect(typeof data.values).toBe('string');
    expect(fromFormData(form, data)).toEqual({ value: { values: action.values }, badJson: [] });
    expect(fromFormData(form, { values: '{ nope' })).toEqual({ value: {}, badJson: ['values'] });
  });

  it('drops what an untouched form leaves: empty text, false for a const true', () => {
    const form = branchForm(branch('notify'), title);
    expect(cleanData(form.schema as never, { title: 'Hi', body: '', to: [{ owner: false, role: 'sales' }] })).toEqual({
      title: 'Hi',
      to: [{ role: 'sales' }],
    });
    const record = branchForm(triggerBranches()[0]!, title);
    expect(cleanData(record.schema as never, { on: 'update', fields: [undefined] })).toEqual({ on: 'update' });
    expect(cleanData(record.schema as never, { on: 'update', fields: ['stage', null] })).toEqual({
      on: 'update',
      fields: ['stage'],
    });
  });

  it('turns action rows into actions in their order, naming the JSON that does not parse by pointer', () => {
    const formOf = (b: (typeof branches)[number]) => branchForm(b, title);
    const rows = rowsFromActions(
      [
        { type: 'updateRecord', values: { stage: 'won' } },
        { type: 'wait', for: 'P1D' },
      ],
      branches,
      formOf,
    );
    expect(rows.map((r) => r.branch)).toEqual(['updateRecord', 'wait']);
    const reordered = [rows[1]!, rows[0]!];
    expect(actionsFromRows(reordered, branches, formOf, '/actions')).toEqual({
      actions: [
        { type: 'wait', for: 'P1D' },
        { type: 'updateRecord', values: { stage: 'won' } },
      ],
      badJson: [],
    });
    reordered[1] = { ...reordered[1]!, data: { values: '{' } };
    expect(actionsFromRows(reordered, branches, formOf, '/actions').badJson).toEqual(['/actions/1/values']);
  });
});

describe('triggers and steps', () => {
  it('has a branch per kind of trigger, the manual and inbound markers fixed', () => {
    const triggers = triggerBranches();
    expect(triggers.map((b) => b.key)).toEqual(['record', 'manual', 'schedule', 'relative', 'inbound']);
    expect(triggers.find((b) => b.key === 'manual')).toMatchObject({ fixed: { manual: true }, properties: {} });
    expect(triggers.find((b) => b.key === 'inbound')!.fixed).toEqual({ inbound: true });
    expect(Object.keys(triggers[0]!.properties)).toEqual(['on', 'fields', 'changedTo', 'beforeSave']);
  });

  it("offers the object's fields where a trigger names them", () => {
    const triggers = triggerBranches();
    const fields = [
      { value: 'stage', label: 'Stage' },
      { value: 'close_date', label: 'Close date' },
    ];
    const record = branchForm(triggers[0]!, title, { fields });
    expect(record.schema.properties!.fields).toMatchObject({
      type: 'array',
      items: { type: 'string', enum: ['stage', 'close_date'] },
    });
    const relative = branchForm(
      triggers.find((b) => b.key === 'relative')!,
      title,
      { fields },
    );
    expect(relative.schema.properties!.relativeTo).toMatchObject({ enum: ['stage', 'close_date'] });
    expect(relative.uiSchema.relativeTo).toEqual({ 'ui:enumNames': ['Stage', 'Close date'] });
    // Without the object's fields (none chosen yet): free text.
    expect(branchForm(triggers[0]!, title).schema.properties!.fields).not.toHaveProperty('items.enum');
  });

  it('tells the kind of a stored trigger', () => {
    expect(triggerKindOf({ on: 'update' })).toBe('record');
    expect(triggerKindOf({ manual: true })).toBe('manual');
    expect(triggerKindOf({ schedule: '0 9 * * *' })).toBe('schedule');
    expect(triggerKindOf({ relativeTo: 'close_date', offset: '-P3D' })).toBe('relative');
    expect(triggerKindOf({ inbound: true, user: 'u' })).toBe('inbound');
    expect(triggerKindOf(undefined)).toBe('record');
  });

  it('draws an approval step without its label and condition, the approver resolved', () => {
    const form = branchForm(stepBranch(), title, { omit: ['label', 'condition'] });
    expect(Object.keys(form.schema.properties!)).toEqual(['name', 'approver', 'mode']);
    expect(form.schema.required).toEqual(['name', 'approver']);
  });
});

describe("the engine's problems", () => {
  const form = branchForm(branch('email'), title);

  it('keeps those under a pointer, relative to it', () => {
    const problems = [
      { field: '/actions/1/values/stage', message: 'unknown field' },
      { field: '/actions/10', message: 'x' },
      { field: '/actions/1', message: 'whole' },
    ];
    expect(problemsUnder(problems, '/actions/1')).toEqual([
      { field: '/values/stage', message: 'unknown field' },
      { field: '', message: 'whole' },
    ]);
  });

  it('places each on the deepest property of the form it reaches, the rest apart', () => {
    const { errorSchema, rest } = toErrorSchema(form, [
      { field: '/subject', message: 'too long' },
      { field: '/to/0/field', message: 'not an email field' },
      { field: '/to/0/field/deeper', message: 'beyond' },
      { field: '', message: 'the action' },
    ]);
    expect(errorSchema).toEqual({
      subject: { __errors: ['too long'] },
      to: { 0: { field: { __errors: ['not an email field', 'deeper: beyond'] } } },
    });
    expect(rest).toEqual([{ field: '', message: 'the action' }]);
  });
});

describe('the problems on general properties', () => {
  it('goes to the inputs of the properties they name', () => {
    expect(
      generalFieldErrors(
        [
          { field: '/object', message: 'no such object' },
          { field: '/actions/0', message: 'x' },
          { field: '/object', message: 'again' },
        ],
        ['apiName', 'object'],
      ),
    ).toEqual([{ name: 'object', errors: ['no such object', 'again'] }]);
  });
});
