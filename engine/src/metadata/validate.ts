import { FIELD_TYPE_DEFS } from '../fields/index.js';
import { Problem, type FieldError } from '../errors.js';
import { parseFilter } from '../query/filter-parser.js';
import { compile } from './compile.js';
import { compiledDraftObjects } from './compiled-draft.js';
import { compileFormula } from '../rules/formula-sql.js';
import { checkLogic, isFormulaDefault } from '../rules/json-logic.js';
import { newAjv } from './schemas.js';
import { nameErrors, schemaErrors } from './shape-checks.js';
import { ITEM_SPECS, itemsOf, validateItem } from './kinds.js';
import { securityContextOf, sharingErrors } from './security-items.js';
import type { FieldDef, MetadataSnapshot, ObjectDef } from './types.js';

/**
 * Metadata validation in two passes: the JSON Schema (shape, with JSON-pointer paths), then the
 * rules a schema cannot say (reserved names, duplicates, references, rule expressions).
 */

const NAME_FIELD_TYPES = new Set(['text', 'email', 'phone', 'url', 'autonumber', 'picklist']);
const MAX_FIELDS = 500;

const defaultCheckAjv = newAjv();

function fieldErrors(field: FieldDef, path: string): FieldError[] {
  const errors = nameErrors(`${path}/apiName`, field.apiName);
  const def = FIELD_TYPE_DEFS[field.type];
  if (field.type === 'picklist' || field.type === 'multipicklist') {
    const seen = new Set<string>();
    (field.values ?? []).forEach((v, i) => {
      if (seen.has(v.value))
        errors.push({
          field: `${path}/values/${i}/value`,
          code: 'duplicate',
          message: `value "${v.value}" is listed twice`,
        });
      seen.add(v.value);
    });
  }
  if (field.type === 'autonumber' && field.default !== undefined) {
    errors.push({ field: `${path}/default`, code: 'readOnly', message: 'an autonumber field cannot have a default' });
  }
  if (isFormulaDefault(field.default) && field.type !== 'json') {
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
  if (field.type === 'formula' && field.default !== undefined) {
    errors.push({
      field: `${path}/default`,
      code: 'readOnly',
      message: 'a formula field is computed; it cannot have a default',
    });
  }
  if (field.type === 'number' || field.type === 'currency' || field.type === 'percent') {
    if (field.scale !== undefined && field.precision !== undefined && field.scale > field.precision) {
      errors.push({ field: `${path}/scale`, code: 'maximum', message: 'scale cannot exceed precision' });
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
    if (field.type === 'formula') {
      for (const e of compileFormula(field.expression, fieldsByName, field.returnType ?? 'text').errors) {
        errors.push({ field: `${path}/expression${e.path}`, code: 'formula', message: e.message });
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
  } else if (!NAME_FIELD_TYPES.has(nameField.type)) {
    errors.push({
      field: '/nameField',
      code: 'type',
      message: `nameField must be a text, e-mail, phone, url, autonumber or picklist field, not ${nameField.type}`,
    });
  }
  const ruleNames = new Set<string>();
  (obj.validationRules ?? []).forEach((rule, i) => {
    const path = `/validationRules/${i}`;
    errors.push(...nameErrors(`${path}/apiName`, rule.apiName));
    if (ruleNames.has(rule.apiName))
      errors.push({ field: `${path}/apiName`, code: 'duplicate', message: `rule "${rule.apiName}" is defined twice` });
    ruleNames.add(rule.apiName);
    const logic = checkLogic(rule.condition);
    for (const e of logic.errors)
      errors.push({ field: `${path}/condition${e.path}`, code: 'logic', message: e.message });
    for (const name of logic.vars) {
      if (!byName.has(name) && !['id', 'owner_id', 'created_at', 'updated_at'].includes(name)) {
        errors.push({
          field: `${path}/condition`,
          code: 'reference',
          message: `condition reads "${name}", which is not a field of this object`,
        });
      }
    }
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

/** Checks that span items: lookup targets exist, ids are unique, views point at real fields. */
export function validateSnapshot(snapshot: MetadataSnapshot): FieldError[] {
  const errors: FieldError[] = [];
  const objects = new Map(snapshot.objects.map((o) => [o.apiName, o]));
  const fieldIds = new Map<string, string>();
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
      if ((f.type === 'lookup' || f.type === 'masterDetail') && !objects.has(f.target!)) {
        errors.push({
          field: `${at}/fields/${i}/target`,
          code: 'reference',
          message: `target object "${f.target}" does not exist`,
        });
      }
      if (f.type === 'rollup') errors.push(...rollupErrors(f, obj, objects, `${at}/fields/${i}`));
    });
  }
  if (!errors.length) errors.push(...rollupFilterErrors(snapshot));
  const ctx = securityContextOf(snapshot);
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

const NUMERIC_TYPES = new Set(['integer', 'number', 'currency', 'percent']);

function rollupErrors(f: FieldDef, parent: ObjectDef, objects: Map<string, ObjectDef>, path: string): FieldError[] {
  const child = objects.get(f.child!);
  if (!child)
    return [{ field: `${path}/child`, code: 'reference', message: `child object "${f.child}" does not exist` }];
  const relation = child.fields.find((x) => x.apiName === f.relationField);
  if (
    !relation ||
    (relation.type !== 'lookup' && relation.type !== 'masterDetail') ||
    relation.target !== parent.apiName
  ) {
    return [
      {
        field: `${path}/relationField`,
        code: 'reference',
        message: `${f.child}.${f.relationField} is not a lookup to ${parent.apiName}`,
      },
    ];
  }
  if (f.aggregate === 'count')
    return f.field ? [{ field: `${path}/field`, code: 'unexpected', message: 'count takes no field' }] : [];
  const summed = child.fields.find((x) => x.apiName === f.field);
  if (!summed)
    return [{ field: `${path}/field`, code: 'reference', message: `"${f.field}" is not a field of ${f.child}` }];
  const result = f.returnType ?? 'number';
  const ok =
    f.aggregate === 'sum'
      ? NUMERIC_TYPES.has(summed.type) && result === 'number'
      : result === 'number'
        ? NUMERIC_TYPES.has(summed.type)
        : summed.type === result;
  return ok
    ? []
    : [
        {
          field: `${path}/field`,
          code: 'type',
          message: `${f.aggregate} of a ${summed.type} field does not give a ${result}`,
        },
      ];
}

/** A rollup's filter is checked like a list filter on the child object. */
function rollupFilterErrors(snapshot: MetadataSnapshot): FieldError[] {
  const rollups = snapshot.objects
    .flatMap((o) => o.fields.map((f, i) => ({ o, f, i })))
    .filter(({ f }) => f.type === 'rollup' && f.filter !== undefined);
  if (!rollups.length) return [];
  const compiled = compile(0, snapshot);
  const errors: FieldError[] = [];
  for (const { o, f, i } of rollups) {
    try {
      parseFilter(compiled.objects.get(f.child!)!, f.filter);
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      for (const err of e.errors)
        errors.push({ ...err, field: `/objects/${o.apiName}/fields/${i}/filter${err.field}` });
    }
  }
  return errors;
}
