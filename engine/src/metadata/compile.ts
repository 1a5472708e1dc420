import type { ValidateFunction } from 'ajv';
import { columnName, factsOf, fieldType, summarisesChildren } from '../fields/index.js';
import type { FieldTypeDef, FilterOperator } from '../fields/field-type.js';
import { desiredSchema } from '../schema/desired.js';
import { layoutsOfRole, requirementsOf, type FieldRequirement } from './layout-rules.js';
import { newAjv } from './schemas.js';
import {
  isBeforeSave,
  type FieldDef,
  type MetadataSnapshot,
  type ObjectDef,
  type ValidationRuleDef,
  type WorkflowDef,
} from './types.js';

/**
 * A release compiled once into what requests need: per object its table, column map, value
 * validators and rules, frozen. Requests only read it; nothing is copied per request.
 */

export interface CompiledField {
  def: FieldDef;
  type: FieldTypeDef;
  /** Physical columns, in the order of type.columns(). */
  columns: string[];
  /** Validates a non-null value. */
  validate: ValidateFunction;
  /** The filter operators this field accepts. */
  operators: readonly FilterOperator[];
}

export interface CompiledObject {
  def: ObjectDef;
  table: string;
  fields: ReadonlyMap<string, CompiledField>;
  rules: readonly ValidationRuleDef[];
  /** Each field column's SQL type, as format_type() prints it (a statement may cast values to it). */
  columnTypes: ReadonlyMap<string, string>;
  /** Unique-constraint name → field apiName, to turn a 23505 into a field error. */
  uniqueConstraints: ReadonlyMap<string, string>;
  /** Lookups from other objects that point here, for delete behaviour. */
  referencedBy: { object: string; field: FieldDef }[];
  /** Rollup fields of other objects that summarise this one: writes here must refresh them. */
  summarisedBy: { parent: string; field: FieldDef }[];
  /** An active approval process covers it: a record with a pending approval is locked for edits. */
  approvals: boolean;
  /** Its active before-save workflows, by apiName: they set values in every write's checks. */
  beforeSave: readonly WorkflowDef[];
  /** Role ('' for none) → the requiredWhen rules of the layout that role sees (layout-rules.ts). */
  requiredWhen: (role: string | undefined) => readonly FieldRequirement[];
}

export interface CompiledMetadata {
  release: number;
  snapshot: MetadataSnapshot;
  objects: ReadonlyMap<string, CompiledObject>;
  security: {
    /** Role → the roles below it, at any depth: a manager sees what these roles' users own. */
    below: ReadonlyMap<string, string[]>;
  };
}

export function compile(release: number, snapshot: MetadataSnapshot): CompiledMetadata {
  const ajv = newAjv();
  const tables = new Map(desiredSchema(snapshot).map((t) => [t.objectId, t]));
  const objects = new Map<string, CompiledObject>();
  for (const def of snapshot.objects) {
    const fields = new Map<string, CompiledField>();
    for (const field of def.fields) {
      const type = fieldType(field);
      fields.set(
        field.apiName,
        Object.freeze({
          def: field,
          type,
          columns: type.columns(field).map((c) => columnName(field, c)),
          validate: ajv.compile(type.valueSchema(field)),
          operators: factsOf(field).operators,
        }),
      );
    }
    const uniqueConstraints = new Map<string, string>();
    for (const c of tables.get(def.id)!.constraints)
      if (c.kind === 'unique') uniqueConstraints.set(c.name, c.field ?? c.column);
    objects.set(def.apiName, {
      def,
      table: def.apiName,
      fields,
      rules: (def.validationRules ?? []).filter((r) => r.active !== false),
      columnTypes: new Map(tables.get(def.id)!.columns.map((c) => [c.name, c.sqlType])),
      uniqueConstraints,
      referencedBy: [],
      summarisedBy: [],
      approvals: (snapshot.approvalProcesses ?? []).some((p) => p.object === def.apiName && p.active !== false),
      beforeSave: (snapshot.workflows ?? [])
        .filter((w) => w.object === def.apiName && w.active !== false && isBeforeSave(w))
        .sort((a, b) => a.apiName.localeCompare(b.apiName)),
      requiredWhen: requirementsByRole(snapshot, def.apiName),
    });
  }
  for (const obj of snapshot.objects) {
    for (const field of obj.fields) {
      if (field.target) objects.get(field.target)?.referencedBy.push({ object: obj.apiName, field });
      if (summarisesChildren(field)) objects.get(field.child!)?.summarisedBy.push({ parent: obj.apiName, field });
    }
  }
  for (const o of objects.values()) Object.freeze(o);
  return Object.freeze({ release, snapshot, objects, security: { below: rolesBelow(snapshot) } });
}

/** The requiredWhen rules each role's layout of an object holds, worked out once per role and release. */
function requirementsByRole(snapshot: MetadataSnapshot, object: string): CompiledObject['requiredWhen'] {
  const layouts = snapshot.layouts.filter((l) => l.object === object);
  if (!layouts.some((l) => l.fieldRules)) return () => [];
  const byRole = new Map<string, readonly FieldRequirement[]>();
  return (role) => {
    const key = role ?? '';
    let found = byRole.get(key);
    if (!found) byRole.set(key, (found = Object.freeze(requirementsOf(layoutsOfRole(layouts, role)[0]))));
    return found;
  };
}

/** Each role → every role under it, at any depth (the hierarchy has no cycles: validate.ts). */
function rolesBelow(snapshot: MetadataSnapshot): Map<string, string[]> {
  const children = new Map<string, string[]>();
  for (const role of snapshot.roles ?? []) {
    if (role.parent !== undefined) children.set(role.parent, [...(children.get(role.parent) ?? []), role.apiName]);
  }
  const below = new Map<string, string[]>();
  const walk = (name: string, depth: number): string[] => {
    if (depth > 100) return [];
    const direct = children.get(name) ?? [];
    return [...direct, ...direct.flatMap((c) => walk(c, depth + 1))];
  };
  for (const role of snapshot.roles ?? []) below.set(role.apiName, walk(role.apiName, 0));
  return below;
}
