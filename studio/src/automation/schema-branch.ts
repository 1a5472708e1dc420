import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import approvalSchema from '../../../metadata/schemas/approval-process.schema.json';
import labelSchema from '../../../metadata/schemas/label.schema.json';
import workflowSchema from '../../../metadata/schemas/workflow.schema.json';
import { isFreeJson, type Settings } from '../fields/settings-schema';

/**
 * The automation forms come from the meta-model's own JSON Schemas (the files the engine
 * validates with), never from forms written per action or trigger: each branch of a `oneOf`
 * (an action type, a kind of trigger) becomes one react-jsonschema-form schema. A new action type
 * in workflow.schema.json is a new entry of the type picker with its form, and nothing else.
 */

type Schema = Record<string, unknown>;

/** The schema files a `$ref` may name, by file name. */
const FILES: Record<string, Schema> = {
  'workflow.schema.json': workflowSchema,
  'approval-process.schema.json': approvalSchema,
  'label.schema.json': labelSchema,
};

const walk = (doc: Schema, pointer: string): Schema =>
  pointer
    .split('/')
    .filter(Boolean)
    .reduce<Schema>((node, segment) => node[segment] as Schema, doc);

/**
 * The schema with every `$ref` replaced by what it names (in the same document or another of
 * FILES), keywords beside the `$ref` winning (a property's own description). The meta-model has
 * no recursive definitions, so this ends.
 */
export function resolveRefs(node: unknown, doc: Schema): unknown {
  if (Array.isArray(node)) return node.map((n) => resolveRefs(n, doc));
  if (!node || typeof node !== 'object') return node;
  const { $ref, ...rest } = node as Schema;
  const own = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, resolveRefs(v, doc)]));
  if (typeof $ref !== 'string') return own;
  const [file, pointer = ''] = $ref.split('#');
  const target = file ? FILES[file] : doc;
  if (!target) throw new Error(`unknown schema file in $ref ${$ref}`);
  const { $schema: _s, $id: _i, title: _t, ...named } = walk(target, pointer);
  return { ...(resolveRefs(named, target) as Schema), ...own };
}

/** One branch of a `oneOf`: a kind of trigger, or an action type (and its variant). */
export interface Branch {
  /** Unique among the branches: the action type, with the distinguishing property when a type has several. */
  key: string;
  /** Properties the branch fixes (`const` and required): the action's type, `manual: true`. */
  fixed: Settings;
  description: string;
  /** The branch's own properties, `$ref`s resolved, the fixed ones left out. */
  properties: Record<string, Schema>;
  required: string[];
}

function toBranch(schema: Schema, key: (fixed: Settings, properties: Record<string, Schema>) => string): Branch {
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const required = (schema.required ?? []) as string[];
  const fixed: Settings = {};
  const properties: Record<string, Schema> = {};
  for (const [name, p] of Object.entries(props)) {
    if ('const' in p && required.includes(name)) fixed[name] = p.const;
    else properties[name] = p;
  }
  const fixedDescription = Object.keys(fixed).map((n) => props[n]?.description)[0];
  const description = fixedDescription ?? schema.description;
  return {
    key: key(fixed, properties),
    fixed,
    description: typeof description === 'string' ? description : '',
    properties,
    required: required.filter((r) => !(r in fixed)),
  };
}

/**
 * The action types of workflow.schema.json, in its order. A type with several branches
 * (updateRelated: a parent, or children) gets one entry per branch, keyed by the first required
 * property that tells them apart.
 */
export function actionBranches(root: Schema = FILES['workflow.schema.json']!): Branch[] {
  const action = resolveRefs(walk(root, '/$defs/action'), root) as Schema;
  const schemas = action.oneOf as Schema[];
  const types = schemas.map((s) => ((s.properties as Record<string, Schema>).type as Schema).const as string);
  return schemas.map((s) =>
    toBranch(s, (fixed, properties) => {
      const type = String(fixed.type);
      if (types.filter((t) => t === type).length < 2) return type;
      const own = ((s.required ?? []) as string[]).find((r) => r !== 'type' && r !== 'values' && r in properties);
      return `${type}.${own}`;
    }),
  );
}

export type TriggerKind = 'record' | 'manual' | 'schedule' | 'relative' | 'inbound';

/** The `$defs` name of each kind of trigger in workflow.schema.json. */
const TRIGGER_DEFS: Record<TriggerKind, string> = {
  record: 'recordTrigger',
  manual: 'manualTrigger',
  schedule: 'scheduleTrigger',
  relative: 'relativeTrigger',
  inbound: 'inboundTrigger',
};

/** The kinds of trigger the schema's `trigger.oneOf` allows, in its order, each as a branch keyed by kind. */
export function triggerBranches(root: Schema = FILES['workflow.schema.json']!): Branch[] {
  const refs = ((walk(root, '/properties/trigger').oneOf ?? []) as Schema[]).map((s) => String(s.$ref));
  const kinds = Object.entries(TRIGGER_DEFS);
  return refs.flatMap((ref) => {
    const kind = kinds.find(([, def]) => ref === `#/$defs/${def}`)?.[0];
    if (!kind) return [];
    return [toBranch(resolveRefs({ $ref: ref }, root) as Schema, () => kind)];
  });
}

/** The approval step's schema, `$ref`s resolved. */
export function stepBranch(): Branch {
  const root = FILES['approval-process.schema.json']!;
  return toBranch(resolveRefs(walk(root, '/$defs/step'), root) as Schema, () => 'step');
}

/** What a branch's data must hold to match it: its fixed values and its required properties. */
const matches = (branch: Branch, value: Settings) =>
  Object.entries(branch.fixed).every(([k, v]) => value[k] === v) && branch.required.every((r) => r in value);

/** The branch of an action: the one of its type whose required properties it has (else its type's first). */
export function branchOfAction(branches: Branch[], action: Settings): Branch | undefined {
  const ofType = branches.filter((b) => b.fixed.type === action.type);
  return ofType.find((b) => matches(b, action)) ?? ofType[0];
}

/** The kind of a stored trigger, by the property only that kind has. */
export function triggerKindOf(trigger: Settings | undefined): TriggerKind {
  if (!trigger) return 'record';
  if ('manual' in trigger) return 'manual';
  if ('schedule' in trigger) return 'schedule';
  if ('relativeTo' in trigger) return 'relative';
  if ('inbound' in trigger) return 'inbound';
  return 'record';
}

/** A branch as react-jsonschema-form draws it; `json` are the free-JSON properties edited as JSON text. */
export interface BranchForm {
  /** The branch's key: the context of its properties' translated texts (i18n/schema-texts.ts). */
  context: string;
  schema: RJSFSchema;
  uiSchema: UiSchema;
  json: string[];
}

/**
 * A `const: true` without a type (an approver's `owner`) is drawn as a checkbox; the value
 * `false` it then takes when unticked is dropped again by `cleanData`.
 */
function drawable(p: Schema, title: (name: string) => string): Schema {
  let out: Schema = { ...p };
  if (out.const === true && out.type === undefined) out = { ...out, type: 'boolean' };
  if (out.properties)
    out.properties = Object.fromEntries(
      Object.entries(out.properties as Record<string, Schema>).map(([n, c]) => [
        n,
        { ...drawable(c, title), title: title(n) },
      ]),
    );
  if (out.items && typeof out.items === 'object') out.items = drawable(out.items as Schema, title);
  return out;
}

/** Trigger settings that name fields of the workflow's object: offered from its fields. */
const FIELD_PROPERTIES = new Set(['fields', 'relativeTo', 'upsertOn']);

/** An object offered where a property names one: its API name and its label. */
export interface ObjectChoice {
  value: string;
  label: string;
}

/**
 * The form of a branch. `title` names each property (translated); `objects` are offered, by
 * label, for the top-level `object` property (the object a new record is created on).
 */
export function branchForm(
  branch: Branch,
  title: (name: string) => string,
  options: { objects?: ObjectChoice[]; fields?: ObjectChoice[]; omit?: string[] } = {},
): BranchForm {
  const properties: Record<string, Schema> = {};
  const uiSchema: UiSchema = { 'ui:submitButtonOptions': { norender: true } };
  const json: string[] = [];
  for (const [name, property] of Object.entries(branch.properties)) {
    if (options.omit?.includes(name)) continue;
    let p: Schema = { ...drawable(property, title), title: title(name) };
    if (name === 'object' && p.type === 'string' && options.objects?.length) {
      p = { ...p, enum: options.objects.map((o) => o.value) };
      uiSchema[name] = { 'ui:enumNames': options.objects.map((o) => o.label) };
    }
    if (FIELD_PROPERTIES.has(name) && options.fields?.length) {
      const values = options.fields.map((f) => f.value);
      if (p.type === 'string') {
        p = { ...p, enum: values };
        uiSchema[name] = { 'ui:enumNames': options.fields.map((f) => f.label) };
      } else if (p.type === 'array') p = { ...p, items: { ...(p.items as Schema), enum: values } };
    }
    if (isFreeJson(property)) {
      json.push(name);
      p = { type: 'string', title: title(name), description: property.description };
      uiSchema[name] = { 'ui:widget': 'textarea', 'ui:options': { rows: 3 } };
    }
    properties[name] = p;
  }
  const required = branch.required.filter((r) => r in properties);
  return {
    context: branch.key,
    schema: { type: 'object', properties, ...(required.length ? { required } : {}) },
    uiSchema,
    json,
  };
}

/** The form's data from a stored item: free-JSON properties as text. */
export function toFormData(form: BranchForm, value: Settings): Settings {
  const data: Settings = {};
  for (const name of Object.keys(form.schema.properties ?? {})) {
    const v = value[name];
    if (v === undefined) continue;
    data[name] = form.json.includes(name) ? JSON.stringify(v, null, 2) : v;
  }
  return data;
}

/**
 * Drops what the engine would refuse but a form leaves behind: `false` for a `const: true`, empty
 * text, empty entries of a list, and a list left empty (an optional list has minItems 1).
 */
export function cleanData(schema: Schema, value: unknown): unknown {
  if (Array.isArray(value))
    return value
      .filter((v) => v !== undefined && v !== null && v !== '')
      .map((v) => cleanData((schema.items ?? {}) as Schema, v));
  if (!value || typeof value !== 'object') return value;
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const out: Settings = {};
  for (const [k, v] of Object.entries(value as Settings)) {
    const p = props[k] ?? {};
    if (v === undefined || v === '' || (v === false && p.const === true)) continue;
    const cleaned = cleanData(p, v);
    if (Array.isArray(cleaned) && !cleaned.length) continue;
    out[k] = cleaned;
  }
  return out;
}

/** The item's properties from the form's data, or the free-JSON properties whose text does not parse. */
export function fromFormData(form: BranchForm, data: Settings): { value: Settings; badJson: string[] } {
  const value: Settings = {};
  const badJson: string[] = [];
  const cleaned = cleanData(form.schema, data) as Settings;
  for (const [name, v] of Object.entries(cleaned)) {
    if (!form.json.includes(name)) value[name] = v;
    else {
      try {
        value[name] = JSON.parse(v as string) as unknown;
      } catch {
        badJson.push(name);
      }
    }
  }
  return { value, badJson };
}

/** One of the engine's problems: `field` is a JSON pointer into the item (/actions/1/values). */
export interface PointedProblem {
  field: string;
  message: string;
}

/** The problems at or under `prefix`, their pointers made relative to it ('' for the prefix itself). */
export function problemsUnder(problems: PointedProblem[], prefix: string): PointedProblem[] {
  return problems.flatMap((p) =>
    p.field === prefix || p.field.startsWith(prefix + '/') ? [{ ...p, field: p.field.slice(prefix.length) }] : [],
  );
}

/**
 * The engine's problems (pointers relative to the form) as react-jsonschema-form's error schema:
 * each on the deepest property of the form its pointer reaches (a field named inside a JSON
 * value lands on that value). Problems no property of the form holds are returned apart.
 */
export function toErrorSchema(
  form: BranchForm,
  problems: PointedProblem[],
): { errorSchema: ErrorSchema; rest: PointedProblem[] } {
  const errorSchema: Record<string, unknown> = {};
  const rest: PointedProblem[] = [];
  for (const problem of problems) {
    const segments = problem.field.split('/').slice(1);
    let schema = form.schema as Schema;
    let node = errorSchema;
    let placed = 0;
    for (const segment of segments) {
      const next: Schema | undefined = /^\d+$/.test(segment)
        ? (schema.items as Schema | undefined)
        : ((schema.properties as Record<string, Schema> | undefined)?.[segment] ?? undefined);
      if (!next) break;
      node = (node[segment] ??= {}) as Record<string, unknown>;
      schema = next;
      placed++;
    }
    if (!placed) {
      rest.push(problem);
      continue;
    }
    const beyond = segments.slice(placed).join('/');
    const errors = (node.__errors ??= []) as string[];
    errors.push(beyond ? `${beyond}: ${problem.message}` : problem.message);
  }
  return { errorSchema: errorSchema as ErrorSchema, rest };
}

/**
 * The problems on the general properties of an item (its name, object …), as antd's
 * `form.setFields` takes them: the property, and its messages.
 */
export function generalFieldErrors<N extends string>(
  problems: PointedProblem[],
  names: readonly N[],
): { name: N; errors: string[] }[] {
  return names.flatMap((name) => {
    const errors = problemsUnder(problems, `/${name}`).map((p) => p.message);
    return errors.length ? [{ name, errors }] : [];
  });
}
