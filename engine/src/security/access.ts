import { notFound, Problem, type ErrorCode } from '../errors.js';
import type { CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import type { SharingRuleDef, SystemPermission } from '../metadata/types.js';
import { grantsFor, NO_OBJECT_ACCESS, type Grants, type ObjectGrant } from './grants.js';
import type { Principal } from './principal.js';

/**
 * What one caller may do, for one request: object and field permissions from their permission
 * sets, system permissions, and the facts record sharing needs (their role's subordinates, the
 * sharing rules that reach them). Everything that reads or writes records asks this object.
 */

export type ObjectAction = 'read' | 'create' | 'edit' | 'delete';

const ALL: ObjectGrant = Object.freeze({
  read: true,
  create: true,
  edit: true,
  delete: true,
  viewAll: true,
  modifyAll: true,
});

export const forbidden = (detail: string, field: string, code: ErrorCode, message: string) =>
  new Problem('forbidden', detail, [{ field, code, message }]);

export class Access {
  private readonly grants: Grants;
  private readonly readable = new WeakMap<CompiledObject, ReadonlySet<string>>();

  constructor(
    readonly principal: Principal,
    private readonly compiled: CompiledMetadata,
  ) {
    this.grants = grantsFor(compiled, principal.permissionSets);
  }

  get userId(): string {
    return this.principal.id;
  }

  /** Whether this is the access on that release (grants come from the release's permission sets). */
  isFor(compiled: CompiledMetadata): boolean {
    return this.compiled === compiled;
  }

  get isAdmin(): boolean {
    return this.principal.isAdmin;
  }

  hasSystem(permission: SystemPermission): boolean {
    return this.isAdmin || this.grants.system.has(permission);
  }

  requireSystem(permission: SystemPermission): void {
    if (!this.hasSystem(permission))
      throw forbidden(
        `this needs the ${permission} permission`,
        permission,
        'systemPermission',
        `ask an admin for a permission set with ${permission}`,
      );
  }

  object(name: string): ObjectGrant {
    return this.isAdmin ? ALL : (this.grants.objects.get(name) ?? NO_OBJECT_ACCESS);
  }

  can(object: string, action: ObjectAction): boolean {
    return this.object(object)[action];
  }

  /**
   * Whether the object exists for this caller: one they may neither read nor create records of
   * is, for them, no object at all (the runtime metadata leaves it out too).
   */
  sees(object: string): boolean {
    return this.compiled.objects.has(object) && (this.can(object, 'read') || this.can(object, 'create'));
  }

  /** 404 for an object the caller does not see, exactly as for one that does not exist. */
  requireVisible(object: string): void {
    if (!this.sees(object)) throw notFound(`object "${object}" does not exist`);
  }

  /**
   * The action on the object's records: 404 when the caller does not see the object (so no answer
   * tells which objects exist), 403 when they see it but lack the action.
   */
  require(object: CompiledObject | string, action: ObjectAction): void {
    const name = typeof object === 'string' ? object : object.def.apiName;
    this.requireVisible(name);
    if (!this.can(name, action))
      throw forbidden(
        `you may not ${action} ${name} records`,
        name,
        'objectPermission',
        `no ${action} permission on ${name}`,
      );
  }

  canReadField(object: string, field: string): boolean {
    if (this.isAdmin) return true;
    return this.grants.fields.get(object)?.get(field)?.read ?? false;
  }

  canEditField(object: string, field: string): boolean {
    if (this.isAdmin) return true;
    return this.grants.fields.get(object)?.get(field)?.edit ?? false;
  }

  /** The object's fields this caller may read, in definition order (worked out once per object). */
  readableFields(object: CompiledObject): ReadonlySet<string> {
    let readable = this.readable.get(object);
    if (!readable) {
      readable = new Set([...object.fields.keys()].filter((f) => this.canReadField(object.def.apiName, f)));
      this.readable.set(object, readable);
    }
    return readable;
  }

  /** Roles below the caller's, whose users' records the caller sees as their managers. */
  subordinateRoles(): string[] {
    return this.principal.role ? (this.compiled.security.below.get(this.principal.role) ?? []) : [];
  }

  /** The object's criteria sharing rules that share records with this caller. */
  sharingRules(object: CompiledObject): SharingRuleDef[] {
    const { role, groups } = this.principal;
    return (object.def.sharing?.rules ?? []).filter((rule) => {
      if (rule.group !== undefined) return groups.includes(rule.group);
      if (rule.role !== undefined) return role === rule.role;
      if (rule.roleAndSubordinates !== undefined && role)
        return (
          role === rule.roleAndSubordinates ||
          (this.compiled.security.below.get(rule.roleAndSubordinates) ?? []).includes(role)
        );
      return false;
    });
  }
}

// A principal the session cache hands out again (auth.service.ts) gets the same Access for the
// same release, rather than its grants merged again on every request.
const byPrincipal = new WeakMap<Principal, Access>();

/** The Access of a principal on this release, made once per principal and release. */
export function accessFor(principal: Principal, compiled: CompiledMetadata): Access {
  const known = byPrincipal.get(principal);
  if (known?.isFor(compiled)) return known;
  const access = new Access(principal, compiled);
  byPrincipal.set(principal, access);
  return access;
}
