import {
  fieldType,
  FIELD_TYPES,
  FIELD_TYPE_DEFS,
  hasComputedDefault,
  isRelation,
  summarisesChildren,
} from '../fields/index.js';
import type { FieldError } from '../errors.js';
import type { QueryChecks } from './query-checks.js';
import { compile } from './compile.js';
import { compiledDraftObjects } from './compiled-draft.js';
import { compileFormula } from '../rules/formula-sql.js';
import { checkLogic } from '../rules/json-logic.js';
import { newAjv } from './schemas.js';
import { nameErrors, schemaErrors } from './shape-checks.js';
import { ITEM_SPECS, itemsOf, validateItem } from './kinds.js';
import { securityContextOf, sharingErrors } from './security-items.js';
import type { FieldDef, MetadataSnapshot, ObjectDef } from './types.js';

/**
 * Metadata validation in two passes: the JSON Schema (shape, with JSON-pointer paths), then the
 * rules a schema cannot say (reserved names, duplicates, references, rule expressions).
 */

const NAME_FIELD_TYPES = FIELD_TYPES.filter((t) => FIELD_TYPE_DEFS[t].nameField);
const NAME_FIELD_LIST = `${NAME_FIELD_TYPES.slice(0, -1).join(', ')} or ${NAME_FIELD_TYPES.at(-1)}`;
const MAX_FIELDS = 500;

const defaultCheckAjv = newAjv();

function fieldErrors(field: FieldDef, path: string): FieldError[] {
  const errors = nameErrors(`${path}/apiName`, field.apiName);
  const def = fieldType(field);
  for (const e of def.check?.(field) ?? []) errors.push({ ...e, field: path + e.field });
  if (hasComputedDefault(field)) {
    for (const e of checkLogic(field.default.formula).errors)
      errors.push({ field: `${path}/default/formula${e.path}`, code: 'logic', message: e.message });
  } else if (field.default !== undefined && field.default !== null && !def.readOnly) {
    const check = defaultCheckAjv.compile(def.valueSchema(field));
    if (!check(field.default)) {
      errors.push({
        field: `${path}/default`,
        code: 'type',
        message: `default is not a valid ${field.type} value: ${check.errors?.[0]?.message ?? ''}`.trim(),
      });
    }
  }
  return errors;
}

export function validateObject(obj: ObjectDef): FieldError[] {
  const shape = schemaErrors('object', obj);
  if (shape.length) return shape;
  const errors: FieldError[] = [...nameErrors('/apiName', obj.apiName)];
  if (obj.fields.length > MAX_FIELDS)
    errors.push({ field: '/fields', code: 'maxItems', message: `an object holds at most ${MAX_FIELDS} fields` });
  const byName = new Map<string, FieldDef>();
  const ids = new Set<string>();
  const fieldsByName = new Map(obj.fields.map((f) => [f.apiName, f]));
  obj.fields.forEach((field, i) => {
    const path = `/fields/${i}`;
    errors.push(...fieldErrors(field, path));
    const generated = fieldType(field).generatedFrom?.(field);
    if (generated) {
      for (const e of compileFormula(generated.expression, fieldsByName, generated.returnType).errors) {
        errors.push({ field: `${path}${generated.pointer}${e.path}`, code: 'formula', message: e.message });
      }
    }
    if (byName.has(field.apiName))
      errors.push({
        field: `${path}/apiName`,
        code: 'duplicate',
        message: `field "${field.apiName}" is defined twice`,
      });
    if (ids.has(field.id))
      errors.push({ field: `${path}/id`, code: 'duplicate', message: `field id "${field.id}" is used twice` });
    byName.set(field.apiName, field);
    ids.add(field.id);
  });
  const nameField = byName.get(obj.nameField);
  if (!nameField) {
    errors.push({
      field: '/nameField',
      code: 'reference',
      message: `nameField "${obj.nameField}" is not a field of this object`,
    });
  } else if (!fieldType(nameField).nameField) {
    errors.push({
      field: '/nameField',
      code: 'type',
      message: `nameField must be a ${NAME_FIELD_LIST} field, not ${nameField.type}`,
    });
  }
  const ruleNames = new Set<string>();
  (obj.validationRules ?? []).forEach((rule, i) => {
    const path = `/validationRules/${i}`;
    errors.push(...nameErrors(`${path}/apiName`, rule.apiName));
    if (ruleNames.has(rule.apiName))
      errors.push({ field: `${path}/apiName`, code: 'duplicate', message: `rule "${rule.apiName}" is defined twice` });
    ruleNames.add(rule.apiName);
    for (const e of conditionErrors(rule.condition, byName))
      errors.push({ ...e, field: `${path}/condition${e.field}` });
    if (rule.errorField && !byName.has(rule.errorField)) {
      errors.push({
        field: `${path}/errorField`,
        code: 'reference',
        message: `errorField "${rule.errorField}" is not a field of this object`,
      });
    }
  });
  errors.push(...sharingErrors(obj));
  return errors;
}

/**
 * A validation rule's condition: allowed json-logic that reads only the object's fields and
 * system columns. Pointers are inside the condition. The studio's rule editor asks the same
 * (metadata/rule-check.ts), so what it shows is what saving says.
 */
export function conditionErrors(condition: unknown, fields: ReadonlyMap<string, FieldDef>): FieldError[] {
  const errors: FieldError[] = [];
  const logic = checkLogic(condition);
  for (const e of logic.errors) errors.push({ field: e.path, code: 'logic', message: e.message });
  for (const name of logic.vars) {
    if (!fields.has(name) && !['id', 'owner_id', 'created_at', 'updated_at'].includes(name)) {
      errors.push({
        field: '',
        code: 'reference',
        message: `condition reads "${name}", which is not a field of this object`,
      });
    }
  }
  return errors;
}

/** Checks that span items: lookup targets exist, ids are unique, views point at real fields. */
export function validateSnapshot(snapshot: MetadataSnapshot, checks: QueryChecks): FieldError[] {
  const errors: FieldError[] = [];
  const objects = new Map(snapshot.objects.map((o) => [o.apiName, o]));
  const fieldIds = new Map<string, string>();
  // The checks across objects read each field's type: an object of the wrong shape (a pack's file
  // is not checked on its own before this, as an API save is) is reported by its shape alone.
  const shapes = snapshot.objects.flatMap((o) =>
    schemaErrors('object', o).map((e) => ({ ...e, field: `/objects/${o.apiName}${e.field === '/' ? '' : e.field}` })),
  );
  if (shapes.length) return shapes;
  for (const obj of snapshot.objects) {
    const at = `/objects/${obj.apiName}`;
    for (const e of validateObject(obj)) errors.push({ ...e, field: at + e.field });
    obj.fields.forEach((f, i) => {
      const owner = fieldIds.get(f.id);
      if (owner)
        errors.push({
          field: `${at}/fields/${i}/id`,
          code: 'duplicate',
          message: `field id "${f.id}" is already used by ${owner}`,
        });
      fieldIds.set(f.id, `${obj.apiName}.${f.apiName}`);
      if (isRelation(f) && !objects.has(f.target!)) {
        errors.push({
          field: `${at}/fields/${i}/target`,
          code: 'reference',
          message: `target object "${f.target}" does not exist`,
        });
      }
      for (const e of fieldType(f).checkInSnapshot?.(f, { object: obj, objects, typeOf: fieldType }) ?? [])
        errors.push({ ...e, field: `${at}/fields/${i}${e.field}` });
    });
  }
  if (!errors.length) errors.push(...rollupFilterErrors(snapshot, checks));
  const ctx = securityContextOf(snapshot, checks);
  // List view sorts and filters and dashboard filters are parsed against compiled objects: one
  // compile of the whole draft for all of them costs less than a part per item (compiled-draft.ts).
  compiledDraftObjects(ctx.objects, ctx.objects.keys());
  for (const obj of snapshot.objects) {
    for (const e of sharingErrors(obj, ctx))
      if (e.code === 'reference') errors.push({ ...e, field: `/objects/${obj.apiName}${e.field}` });
  }
  for (const spec of ITEM_SPECS) {
    const names = new Set<string>();
    for (const item of itemsOf(snapshot, spec.kind)) {
      if (names.has(item.apiName))
        errors.push({
          field: `/${spec.key}/${item.apiName}`,
          code: 'duplicate',
          message: `two ${spec.kind}s are named "${item.apiName}"`,
        });
      names.add(item.apiName);
      for (const e of validateItem(spec.kind, item, ctx))
        errors.push({ ...e, field: `/${spec.key}/${item.apiName}${e.field}` });
    }
  }
  return errors;
}

/** A rollup's filter is checked like a list filter on the child object. */
function rollupFilterErrors(snapshot: MetadataSnapshot, checks: QueryChecks): FieldError[] {
  const rollups = snapshot.objects
    .flatMap((o) => o.fields.map((f, i) => ({ o, f, i })))
    .filter(({ f }) => summarisesChildren(f) && f.filter !== undefined);
  if (!rollups.length) return [];
  const compiled = compile(0, snapshot);
  const errors: FieldError[] = [];
  for (const { o, f, i } of rollups) {
    for (const err of checks.filterErrors(compiled.objects.get(f.child!)!, f.filter))
      errors.push({ ...err, field: `/objects/${o.apiName}/fields/${i}/filter${err.field}` });
  }
  return errors;
}
