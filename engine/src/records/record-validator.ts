import { hasComputedDefault } from '../fields/index.js';
import { unstorableValue } from '../fields/shared.js';
import { schemaKeywordCode, type FieldError } from '../errors.js';
import type { CompiledObject } from '../metadata/compile.js';
import { SYSTEM_COLUMNS } from '../metadata/identifiers.js';
import { evaluate, truthy } from '../rules/json-logic.js';
import type { Access } from '../security/access.js';
import { readableField } from '../security/field-guard.js';
import { applyBeforeSave } from './before-save.js';
import { localize } from './record-shape.js';

/**
 * Checks one record body against its object, without touching the database: names, read-only
 * and system fields, values against each field's JSON Schema, defaults (on create), required
 * fields, then the validation rules on the record as it would be saved. Returns the values to
 * write and every error found, so bulk requests can report each row. With the caller's `access`,
 * a field they may not read is an unknown field (security/field-guard.ts). A `patch` is an update
 * whose statement checks the rest (update-statement.ts): only the values sent are checked here,
 * with the required fields among them; the stored fields and the rules are the statement's.
 */
export function validateBody(
  object: CompiledObject,
  body: Record<string, unknown>,
  mode: 'create' | 'update' | 'patch',
  locale: string,
  existing?: Record<string, unknown>,
  access?: Access,
): { values: Map<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const values = new Map<string, unknown>();
  for (const key of Object.keys(body)) {
    const field = access ? readableField(object, key, access) : object.fields.get(key);
    if ((SYSTEM_COLUMNS as readonly string[]).includes(key)) {
      errors.push({ field: key, code: 'readOnly', message: `${key} is set by the system` });
    } else if (!field) {
      errors.push({ field: key, code: 'unknownField', message: `"${key}" is not a field of ${object.def.apiName}` });
    } else if (field.type.readOnly) {
      errors.push({ field: key, code: 'readOnly', message: `${key} is filled in by the system` });
    } else {
      const value = body[key];
      const unstorable = unstorableValue(value);
      if (unstorable) {
        errors.push({
          field: key,
          code: unstorable.code,
          message: `${key} ${unstorable.message}${unstorable.path ? ` (at ${unstorable.path})` : ''}`,
        });
      } else if (value !== null && !field.validate(value)) {
        const e = field.validate.errors?.[0];
        errors.push({
          field: key,
          code: e ? schemaKeywordCode(e.keyword) : 'type',
          message: `${key} ${e?.message ?? 'is not valid'}${e?.instancePath ? ` (at ${e.instancePath})` : ''}`,
        });
      } else {
        values.set(key, value === '' && !field.type.keepsEmptyString ? null : value);
      }
    }
  }
  if (mode === 'create') {
    // Only computed defaults read it (CSV import validates every row of a file here).
    const given = anyComputedDefault(object) ? Object.fromEntries(values) : {};
    for (const [name, field] of object.fields) {
      if (values.has(name) || field.def.default === undefined || field.type.readOnly) continue;
      const def = field.def;
      if (!hasComputedDefault(def)) {
        values.set(name, structuredClone(def.default));
        continue;
      }
      // A computed default sees the values sent with the record, and must fit the field like any value.
      const value = evaluate(def.default.formula, given) ?? null;
      if (value !== null && !field.validate(value)) {
        errors.push({
          field: name,
          code: 'default',
          message: `the default of ${name} computed ${JSON.stringify(value)}, which is not a valid ${field.def.type}`,
        });
      } else values.set(name, value);
    }
  }
  // Workflows that run before the save add their values to those sent, checked with them.
  if (mode !== 'patch' && !errors.length && object.beforeSave.length)
    applyBeforeSave(object, mode, values, existing, access, errors);
  for (const [name, field] of object.fields) {
    if (!field.def.required || field.type.readOnly) continue;
    if (mode === 'patch' && !values.has(name)) continue;
    const value = values.has(name) ? values.get(name) : existing?.[name];
    if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
      if (!errors.some((e) => e.field === name))
        errors.push({ field: name, code: 'required', message: `${name} is required` });
    }
  }
  if (mode !== 'patch') requiredByLayout(object, values, existing, access, errors);
  // Rules see the record as it would be saved, so they only run on values that passed the checks.
  if (errors.length || !object.rules.length || mode === 'patch') return { values, errors };
  const merged = { ...existing, ...ruleView(object, values) };
  for (const rule of object.rules) {
    if (truthy(evaluate(rule.condition, merged))) {
      errors.push({
        field: rule.errorField ?? '',
        code: 'validationRule',
        rule: rule.apiName,
        message: localize(rule.message, locale),
      });
    }
  }
  return { values, errors };
}

/** The values written as rules see them: each as its field type reads it (a currency's amount). */
function ruleView(object: CompiledObject, values: Map<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of values) {
    const read = object.fields.get(name)?.type.ruleValue;
    out[name] = read && value !== null && value !== undefined ? read(value) : value;
  }
  return out;
}

const isEmpty = (value: unknown) =>
  value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);

/**
 * The requiredWhen rules of the layout the writer's role sees (metadata/layout-rules.ts): a field
 * they may edit, shown by its own and its section's visibleWhen, must have a value while its
 * requiredWhen holds over the record as it would be saved. A patch never gets here: the
 * single-statement update is not tried for an object whose layout has such rules.
 */
function requiredByLayout(
  object: CompiledObject,
  values: Map<string, unknown>,
  existing: Record<string, unknown> | undefined,
  access: Access | undefined,
  errors: FieldError[],
): void {
  const requirements = object.requiredWhen(access?.principal.role ?? undefined);
  if (!requirements.length) return;
  const record = { ...existing, ...ruleView(object, values) };
  for (const { field: name, when, shownWhile } of requirements) {
    const field = object.fields.get(name);
    if (!field || field.type.readOnly || !isEmpty(record[name]) || errors.some((e) => e.field === name)) continue;
    if (access && !access.canEditField(object.def.apiName, name)) continue;
    if (!shownWhile.every((rule) => truthy(evaluate(rule, record))) || !truthy(evaluate(when, record))) continue;
    errors.push({ field: name, code: 'required', message: `${name} is required here (the layout's rule says so)` });
  }
}

function anyComputedDefault(object: CompiledObject): boolean {
  for (const field of object.fields.values()) if (hasComputedDefault(field.def)) return true;
  return false;
}
