import type { CompiledMetadata } from '../metadata/compile.js';
import { SYSTEM_PERMISSIONS } from '../metadata/types.js';
import type { Access } from './access.js';

/**
 * The signed-in user and what they may do, as GET /api/v1/auth/me answers it: the UI builds its
 * navigation, columns and form fields from this, and the server enforces the same grants anyway.
 */
export function describeAccess(access: Access, compiled: CompiledMetadata) {
  const { principal } = access;
  const objects: Record<string, ReturnType<Access['object']>> = {};
  const fields: Record<string, Record<string, { read: boolean; edit: boolean }>> = {};
  for (const [name, object] of compiled.objects) {
    const grant = access.object(name);
    if (!grant.read && !grant.create) continue;
    objects[name] = grant;
    // Only the fields they may read: one they may not is, for them, no field (field-guard.ts).
    fields[name] = Object.fromEntries(
      [...access.readableFields(object)].map((f) => [f, { read: true, edit: access.canEditField(name, f) }]),
    );
  }
  return {
    id: principal.id,
    email: principal.email,
    name: principal.name,
    isAdmin: principal.isAdmin,
    role: principal.role,
    permissionSets: principal.permissionSets,
    groups: principal.groups,
    permissions: { objects, fields, system: SYSTEM_PERMISSIONS.filter((p) => access.hasSystem(p)) },
  };
}
