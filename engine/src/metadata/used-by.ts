import type {
  ApprovalProcessDef,
  FieldDef,
  MetadataSnapshot,
  ObjectDef,
  WorkflowAction,
  WorkflowDef,
} from './types.js';

/**
 * Everything in a configuration that names an object, or one of its fields: what an admin must
 * know before deleting either (the studio shows it). Computed from a snapshot (the draft), pure.
 * A path such as `account.name` in a formula or a layout counts as naming `name` of the object
 * the lookup `account` points at, and as naming the lookup itself.
 */

export type UsageKind =
  | 'object'
  | 'lookup'
  | 'formula'
  | 'rollup'
  | 'validationRule'
  | 'sharingRule'
  | 'layout'
  | 'listView'
  | 'dashboard'
  | 'workflow'
  | 'approvalProcess'
  | 'permissionSet';

/** Where in the item the name appears. */
export type UsagePlace =
  | 'nameField'
  | 'target'
  | 'expression'
  | 'child'
  | 'relationField'
  | 'field'
  | 'filter'
  | 'condition'
  | 'errorField'
  | 'criteria'
  | 'object'
  | 'highlights'
  | 'section'
  | 'relatedList'
  | 'columns'
  | 'sort'
  | 'kanban'
  | 'metric'
  | 'groupBy'
  | 'dateField'
  | 'trigger'
  | 'action'
  | 'objectAccess'
  | 'fieldAccess';

export interface Usage {
  kind: UsageKind;
  /** The item's apiName (a field's, a rule's, a layout's …). */
  apiName: string;
  /** The object the item belongs to, for fields, rules and items of one object. */
  object?: string;
  /** Where it names the object or field. */
  places: UsagePlace[];
}

export interface UsageTarget {
  object: string;
  field?: string;
}

/** Field names a json-logic expression reads with `var` ($old.x reads x), as written. */
export function logicVars(logic: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(logic)) logic.forEach((l) => logicVars(l, out));
  else if (logic && typeof logic === 'object') {
    for (const [op, arg] of Object.entries(logic)) {
      if (op === 'var') {
        const name: unknown = Array.isArray(arg) ? arg[0] : arg;
        if (typeof name === 'string' && name) out.add(name.replace(/^\$old\./, ''));
      } else logicVars(arg, out);
    }
  }
  return out;
}

/** Field names a filter (the list filter language) tests, as written. */
export function filterFields(filter: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(filter)) filter.forEach((f) => filterFields(f, out));
  else if (filter && typeof filter === 'object') {
    for (const [key, value] of Object.entries(filter)) {
      if (key === 'and' || key === 'or' || key === 'not') filterFields(value, out);
      else out.add(key);
    }
  }
  return out;
}

/**
 * Decides whether names written on `object` (field names or lookup paths) name the target: the
 * object's own fields directly, or the target's fields through a lookup that points at it.
 */
function namer(objects: ReadonlyMap<string, ObjectDef>, target: UsageTarget) {
  return (object: string, names: Iterable<string>): boolean => {
    if (target.field === undefined) {
      // An object is named by items of its own (checked by the callers) or through lookup paths.
      const owner = objects.get(object);
      if (!owner) return false;
      for (const name of names) {
        const [head, ...rest] = name.split('.');
        const lookup = owner.fields.find((f) => f.apiName === head);
        if (rest.length && lookup?.target === target.object) return true;
      }
      return false;
    }
    for (const name of names) {
      const [head, next] = name.split('.');
      if (object === target.object && head === target.field) return true;
      if (next === undefined) continue;
      const lookup = objects.get(object)?.fields.find((f) => f.apiName === head);
      if (lookup?.target === target.object && next === target.field) return true;
    }
    return false;
  };
}

/** What names the target object (or, with `field`, that field of it) in the snapshot. */
export function usedBy(snapshot: MetadataSnapshot, target: UsageTarget): Usage[] {
  const objects = new Map(snapshot.objects.map((o) => [o.apiName, o]));
  const names = namer(objects, target);
  const wholeObject = target.field === undefined;
  /** Items of the object itself name it whole; for a field, only where they name the field. */
  const ownedBy = (object: string) => wholeObject && object === target.object;
  const usages: Usage[] = [];
  const add = (usage: Omit<Usage, 'places'>, places: (UsagePlace | false)[]) => {
    const named = places.filter((p): p is UsagePlace => p !== false);
    if (named.length) usages.push({ ...usage, places: [...new Set(named)] });
  };

  for (const obj of snapshot.objects) {
    const own = obj.apiName === target.object;
    if (own && !wholeObject)
      add({ kind: 'object', apiName: obj.apiName }, [obj.nameField === target.field && 'nameField']);
    for (const field of obj.fields) {
      if (own && field.apiName === target.field) continue;
      add(fieldUsage(obj, field), fieldPlaces(obj, field, target, names));
    }
    for (const rule of obj.validationRules ?? [])
      add({ kind: 'validationRule', apiName: rule.apiName, object: obj.apiName }, [
        !wholeObject && names(obj.apiName, logicVars(rule.condition)) && 'condition',
        !wholeObject && own && rule.errorField === target.field && 'errorField',
      ]);
    for (const rule of obj.sharing?.rules ?? [])
      add({ kind: 'sharingRule', apiName: rule.apiName, object: obj.apiName }, [
        !wholeObject && names(obj.apiName, logicVars(rule.criteria)) && 'criteria',
      ]);
  }

  for (const layout of snapshot.layouts) {
    const related = (layout.relatedLists ?? []).filter((r) =>
      r.object === target.object
        ? wholeObject || r.field === target.field || names(r.object, r.columns)
        : names(r.object, r.columns),
    );
    add({ kind: 'layout', apiName: layout.apiName, object: layout.object }, [
      ownedBy(layout.object) && 'object',
      names(layout.object, layout.highlights ?? []) && 'highlights',
      layout.sections.some((s) => names(layout.object, s.fields)) && 'section',
      !wholeObject &&
        names(
          layout.object,
          logicVars([
            ...layout.sections.map((s) => s.visibleWhen),
            ...Object.values(layout.fieldRules ?? {}).flatMap((r) => [r.visibleWhen, r.requiredWhen]),
          ]),
        ) &&
        'condition',
      related.length > 0 && 'relatedList',
    ]);
  }

  for (const view of snapshot.listViews) {
    const sortKeys = (view.sort ?? '')
      .split(',')
      .filter(Boolean)
      .map((k) => k.replace(/^-/, ''));
    add({ kind: 'listView', apiName: view.apiName, object: view.object }, [
      ownedBy(view.object) && 'object',
      names(view.object, view.columns) && 'columns',
      names(view.object, sortKeys) && 'sort',
      names(view.object, view.kanban ? [view.kanban.groupBy, view.kanban.summary ?? ''] : []) && 'kanban',
      names(view.object, filterFields(view.filter)) && 'filter',
    ]);
  }

  for (const dashboard of snapshot.dashboards ?? []) {
    const places = dashboard.widgets.flatMap((w): (UsagePlace | false)[] => [
      ownedBy(w.object) && 'object',
      names(w.object, [w.metric.split(':')[1] ?? '']) && 'metric',
      names(w.object, [w.groupBy?.split(':')[0] ?? '']) && 'groupBy',
      names(w.object, [w.dateField ?? '']) && 'dateField',
      names(w.object, filterFields(w.filter)) && 'filter',
    ]);
    add({ kind: 'dashboard', apiName: dashboard.apiName }, places);
  }

  for (const workflow of snapshot.workflows ?? [])
    add({ kind: 'workflow', apiName: workflow.apiName, object: workflow.object }, [
      ownedBy(workflow.object) && 'object',
      names(workflow.object, triggerFields(workflow)) && 'trigger',
      names(workflow.object, logicVars(workflow.condition)) && 'condition',
      workflow.actions.some((a) => actionNames(a, workflow.object, objects, target, names)) && 'action',
    ]);

  for (const process of snapshot.approvalProcesses ?? [])
    add({ kind: 'approvalProcess', apiName: process.apiName, object: process.object }, [
      ownedBy(process.object) && 'object',
      (names(process.object, logicVars(process.entryCondition)) ||
        process.steps.some((s) => names(process.object, logicVars(s.condition)))) &&
        'condition',
      approvalActions(process).some((a) => actionNames(a, process.object, objects, target, names)) && 'action',
    ]);

  for (const set of snapshot.permissionSets ?? []) {
    const fieldKeys = Object.keys(set.fields ?? {});
    add({ kind: 'permissionSet', apiName: set.apiName }, [
      wholeObject && set.objects?.[target.object] !== undefined && 'objectAccess',
      fieldKeys.some((k) =>
        wholeObject ? k.startsWith(`${target.object}.`) : k === `${target.object}.${target.field}`,
      ) && 'fieldAccess',
    ]);
  }
  return usages;
}

function fieldUsage(obj: ObjectDef, field: FieldDef): Omit<Usage, 'places'> {
  const kind: UsageKind = field.expression !== undefined ? 'formula' : field.child !== undefined ? 'rollup' : 'lookup';
  return { kind, apiName: field.apiName, object: obj.apiName };
}

/** Where another field (a lookup, a formula, a rollup) names the target. */
function fieldPlaces(
  obj: ObjectDef,
  field: FieldDef,
  target: UsageTarget,
  names: ReturnType<typeof namer>,
): (UsagePlace | false)[] {
  const whole = target.field === undefined;
  const summarises = field.child === target.object;
  return [
    whole && field.target === target.object && 'target',
    field.expression !== undefined && names(obj.apiName, logicVars(field.expression)) && 'expression',
    whole && summarises && 'child',
    !whole && summarises && field.relationField === target.field && 'relationField',
    !whole && summarises && field.field === target.field && 'field',
    field.child !== undefined && names(field.child, filterFields(field.filter)) && 'filter',
  ];
}

function triggerFields(workflow: WorkflowDef): string[] {
  const t = workflow.trigger as unknown as Record<string, unknown>;
  return [
    ...((t.fields as string[] | undefined) ?? []),
    ...Object.keys((t.changedTo as object | undefined) ?? {}),
    ...(typeof t.relativeTo === 'string' ? [t.relativeTo] : []),
    ...(typeof t.upsertOn === 'string' ? [t.upsertOn] : []),
    ...filterFields(t.filter),
  ];
}

const approvalActions = (p: ApprovalProcessDef): WorkflowAction[] => [
  ...(p.onSubmit ?? []),
  ...(p.onApprove ?? []),
  ...(p.onReject ?? []),
  ...(p.onRecall ?? []),
];

/** Whether one action names the target: the object it writes, the fields it sets or reads. */
function actionNames(
  action: WorkflowAction,
  object: string,
  objects: ReadonlyMap<string, ObjectDef>,
  target: UsageTarget,
  names: ReturnType<typeof namer>,
): boolean {
  const whole = target.field === undefined;
  const reads = (values: Record<string, unknown>) => names(object, logicVars(Object.values(values)));
  switch (action.type) {
    case 'updateRecord':
      return names(object, Object.keys(action.values)) || reads(action.values);
    case 'createRecord':
      return (
        (whole && action.object === target.object) ||
        names(action.object, Object.keys(action.values)) ||
        reads(action.values)
      );
    case 'email':
      return action.to.some((r) => 'field' in r && names(object, [r.field]));
    case 'updateRelated': {
      if ('parent' in action) {
        const parent = objects.get(object)?.fields.find((f) => f.apiName === action.parent)?.target;
        return (
          names(object, [action.parent]) ||
          (parent !== undefined &&
            ((whole && parent === target.object) || names(parent, Object.keys(action.values)))) ||
          reads(action.values)
        );
      }
      const child = action.children.object;
      return (
        (whole && child === target.object) ||
        names(child, [action.children.lookup, ...Object.keys(action.values), ...filterFields(action.filter)]) ||
        reads(action.values)
      );
    }
    case 'webhook':
    case 'wait':
    case 'notify':
    case 'startApproval':
      return false;
  }
}
