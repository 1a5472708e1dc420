import type { QueryChecks } from './query-checks.js';
import type { FieldError } from '../errors.js';
import { compileFormula } from '../rules/formula-sql.js';
import { SYSTEM_COLUMNS } from './identifiers.js';
import type { ApprovalProcessDef, GroupDef, MetadataSnapshot, ObjectDef, PermissionSetDef, RoleDef } from './types.js';

/**
 * Checks of the security metadata (roles, groups, permission sets, sharing rules) that a JSON
 * Schema cannot express: references to objects, fields, roles and groups, and a hierarchy
 * without cycles. The shape itself is checked by the schemas in metadata/schemas.
 */

/** What checks of one item see of the rest of the metadata. */
export interface SecurityContext {
  objects: ReadonlyMap<string, ObjectDef>;
  roles: readonly RoleDef[];
  groups: readonly GroupDef[];
  /** Approval processes, which workflows' startApproval actions name. */
  approvalProcesses: readonly ApprovalProcessDef[];
  /** The list API's parsers, for sorts and filters (query-checks.ts). */
  checks: QueryChecks;
}

export function roleErrors(role: RoleDef, ctx: SecurityContext): FieldError[] {
  if (role.parent === undefined) return [];
  const byName = new Map(ctx.roles.map((r) => [r.apiName, r]));
  byName.set(role.apiName, role);
  if (!byName.has(role.parent))
    return [{ field: '/parent', code: 'reference', message: `role "${role.parent}" does not exist` }];
  // Walk up: reaching the role again means the hierarchy would loop.
  const seen = new Set<string>([role.apiName]);
  for (let at = byName.get(role.parent); at; at = at.parent === undefined ? undefined : byName.get(at.parent)) {
    if (seen.has(at.apiName))
      return [
        { field: '/parent', code: 'cycle', message: `"${role.parent}" is below "${role.apiName}" in the hierarchy` },
      ];
    seen.add(at.apiName);
  }
  return [];
}

export function permissionSetErrors(set: PermissionSetDef, ctx: SecurityContext): FieldError[] {
  const errors: FieldError[] = [];
  for (const name of Object.keys(set.objects ?? {})) {
    if (!ctx.objects.has(name))
      errors.push({ field: `/objects/${name}`, code: 'reference', message: `object "${name}" does not exist` });
  }
  for (const path of Object.keys(set.fields ?? {})) {
    const [objectName, fieldName] = path.split('.') as [string, string];
    const object = ctx.objects.get(objectName);
    if (!object)
      errors.push({ field: `/fields/${path}`, code: 'reference', message: `object "${objectName}" does not exist` });
    else if ((SYSTEM_COLUMNS as readonly string[]).includes(fieldName))
      errors.push({
        field: `/fields/${path}`,
        code: 'systemField',
        message: `${fieldName} is a system field: it is readable with the object and written only by the system`,
      });
    else if (!object.fields.some((f) => f.apiName === fieldName))
      errors.push({
        field: `/fields/${path}`,
        code: 'reference',
        message: `"${fieldName}" is not a field of ${objectName}`,
      });
  }
  return errors;
}

/** Sharing rules of one object: criteria that compile to SQL and recipients that exist. */
export function sharingErrors(object: ObjectDef, ctx?: SecurityContext): FieldError[] {
  const errors: FieldError[] = [];
  const fields = new Map(object.fields.map((f) => [f.apiName, f]));
  const names = new Set<string>();
  (object.sharing?.rules ?? []).forEach((rule, i) => {
    const at = `/sharing/rules/${i}`;
    if (names.has(rule.apiName))
      errors.push({ field: `${at}/apiName`, code: 'duplicate', message: `rule "${rule.apiName}" is listed twice` });
    names.add(rule.apiName);
    for (const e of compileFormula(rule.criteria, fields, 'boolean').errors)
      errors.push({ field: `${at}/criteria${e.path}`, code: 'logic', message: e.message });
    if (!ctx) return;
    const role = rule.role ?? rule.roleAndSubordinates;
    const roleKey = rule.role !== undefined ? 'role' : 'roleAndSubordinates';
    if (role !== undefined && !ctx.roles.some((r) => r.apiName === role))
      errors.push({ field: `${at}/${roleKey}`, code: 'reference', message: `role "${role}" does not exist` });
    if (rule.group !== undefined && !ctx.groups.some((g) => g.apiName === rule.group))
      errors.push({ field: `${at}/group`, code: 'reference', message: `group "${rule.group}" does not exist` });
  });
  return errors;
}

export const securityContextOf = (snapshot: MetadataSnapshot, checks: QueryChecks): SecurityContext => ({
  objects: new Map(snapshot.objects.map((o) => [o.apiName, o])),
  roles: snapshot.roles ?? [],
  groups: snapshot.groups ?? [],
  approvalProcesses: snapshot.approvalProcesses ?? [],
  checks,
});
