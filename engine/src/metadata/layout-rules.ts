import type { FieldError } from '../errors.js';
import { checkLogic } from '../rules/json-logic.js';
import type { LayoutDef, ObjectDef } from './types.js';

/**
 * A layout's visibility and required rules (layout.schema.json: sections[].visibleWhen and
 * fieldRules). The record page shows a field while its own and its section's visibleWhen hold;
 * a shown field whose requiredWhen holds must have a value, which the engine checks on every
 * write by a user who sees that layout (records/record-validator.ts), so the rule cannot be
 * skipped by writing through the API instead of the form.
 */

/** Fields every record has, which a rule may read besides the object's own. */
const SYSTEM_FIELDS = ['id', 'owner_id', 'created_at', 'updated_at'];

/**
 * One layout per object for a role: the first (by apiName) assigned to the role, else the first
 * without roles (the default), else the first — the record page has one layout, whoever opens it.
 */
export function layoutsOfRole(layouts: readonly LayoutDef[], role: string | undefined): LayoutDef[] {
  const byObject = new Map<string, LayoutDef[]>();
  for (const l of [...layouts].sort((a, b) => a.apiName.localeCompare(b.apiName)))
    byObject.set(l.object, [...(byObject.get(l.object) ?? []), l]);
  return [...byObject.values()].map(
    (of) => of.find((l) => role !== undefined && l.roles?.includes(role)) ?? of.find((l) => !l.roles) ?? of[0]!,
  );
}

/** A field that is required while `when` holds and every one of `shownWhile` holds too. */
export interface FieldRequirement {
  field: string;
  when: unknown;
  shownWhile: unknown[];
}

/** The requiredWhen rules of one layout, each with the visibility rules that can hide its field. */
export function requirementsOf(layout: LayoutDef | undefined): FieldRequirement[] {
  if (!layout?.fieldRules) return [];
  const out: FieldRequirement[] = [];
  for (const section of layout.sections) {
    for (const field of section.fields) {
      const rules = layout.fieldRules[field];
      if (rules?.requiredWhen === undefined) continue;
      const shownWhile = [section.visibleWhen, rules.visibleWhen].filter((r) => r !== undefined);
      out.push({ field, when: rules.requiredWhen, shownWhile });
    }
  }
  return out;
}

/** Errors of one visibility or required rule: json-logic the engine accepts, reading only the object's fields. */
export function layoutExpressionErrors(object: ObjectDef, value: unknown, path = ''): FieldError[] {
  const errors: FieldError[] = [];
  const has = (name: string) => SYSTEM_FIELDS.includes(name) || object.fields.some((f) => f.apiName === name);
  const logic = checkLogic(value);
  for (const e of logic.errors) errors.push({ field: `${path}${e.path}`, code: 'logic', message: e.message });
  for (const name of logic.vars)
    if (!has(name))
      errors.push({
        field: path,
        code: 'reference',
        message: `reads "${name}", which is not a field of ${object.apiName}`,
      });
  return errors;
}

/** Errors of a layout's rules, each as layoutExpressionErrors gives them, and rules of fields not placed. */
export function layoutRuleErrors(layout: LayoutDef, object: ObjectDef): FieldError[] {
  const errors: FieldError[] = [];
  const expression = (path: string, value: unknown) => errors.push(...layoutExpressionErrors(object, value, path));
  layout.sections.forEach((s, i) => {
    if (s.visibleWhen !== undefined) expression(`/sections/${i}/visibleWhen`, s.visibleWhen);
  });
  const placed = new Set(layout.sections.flatMap((s) => s.fields));
  for (const [name, rules] of Object.entries(layout.fieldRules ?? {})) {
    const at = `/fieldRules/${name}`;
    if (!placed.has(name)) {
      errors.push({ field: at, code: 'reference', message: `"${name}" is not placed in a section of this layout` });
      continue;
    }
    if (rules.visibleWhen !== undefined) expression(`${at}/visibleWhen`, rules.visibleWhen);
    if (rules.requiredWhen !== undefined) expression(`${at}/requiredWhen`, rules.requiredWhen);
  }
  return errors;
}
