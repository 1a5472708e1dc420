import { Problem } from '../errors.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import { stableJson } from '../metadata/config-files.js';
import type { ImportAuthorizer } from '../metadata/config.service.js';
import type { MetadataSnapshot, PermissionSetDef } from '../metadata/types.js';
import { forbidden, type Access } from '../security/access.js';
import { grantsBeyond } from '../security/grant-check.js';
import { refuseAutomationGrant, refuseRoleChange } from './meta-guard.js';

/**
 * An import (POST /api/v1/meta/import) saves many items at once: each item it adds, changes or
 * removes passes the check meta-guard.ts gives a save of that one item, so an import is no way
 * around them. Errors name the item's file (`permission-sets/sales_user.json#/objects/…`).
 */

type Item = { id: string; apiName: string };
type Key = 'objects' | 'roles' | 'groups' | 'permissionSets' | 'workflows';

interface Changes<T> {
  /** Added or changed, with the item it replaces. */
  saved: { item: T; before?: T }[];
  removed: T[];
}

function changesOf<T extends Item>(before: MetadataSnapshot, after: MetadataSnapshot, key: Key): Changes<T> {
  const was = new Map(((before[key] ?? []) as unknown as T[]).map((i) => [i.id, i]));
  const now = (after[key] ?? []) as unknown as T[];
  const ids = new Set(now.map((i) => i.id));
  return {
    saved: now
      .filter((i) => !was.has(i.id) || stableJson(was.get(i.id)) !== stableJson(i))
      .map((item) => ({ item, before: was.get(item.id) })),
    removed: [...was.values()].filter((i) => !ids.has(i.id)),
  };
}

export function importAuthorizer(access: Access, compiled: () => CompiledMetadata): ImportAuthorizer {
  return (before, after) => {
    access.requireSystem('manageMetadata');
    const sets = changesOf<PermissionSetDef>(before, after, 'permissionSets');
    const roles = changesOf<Item & { parent?: string }>(before, after, 'roles');
    const groups = changesOf<Item>(before, after, 'groups');
    if ([sets, roles, groups].some((c) => c.saved.length || c.removed.length)) access.requireSystem('manageUsers');

    const beyond = sets.saved.flatMap(({ item }) =>
      grantsBeyond(access, item, compiled(), `permission-sets/${item.apiName}.json#`),
    );
    if (beyond.length)
      throw new Problem('forbidden', 'a permission set can grant only what you hold; nothing was changed', beyond);

    const published = new Set((compiled().snapshot.roles ?? []).map((r) => r.apiName));
    for (const { item, before: was } of roles.saved) {
      // A role new to the tenant is below nobody yet: its parent decides, as for a POST.
      const touched = was ? [was.apiName, item.apiName] : published.has(item.apiName) ? [item.apiName] : [];
      refuseRoleChange(access, touched, item.parent, `roles/${item.apiName}.json#/`);
    }
    for (const role of roles.removed)
      refuseRoleChange(access, [role.apiName], undefined, `roles/${role.apiName}.json#/`);

    for (const { item } of changesOf<Item>(before, after, 'workflows').saved)
      refuseAutomationGrant(access, item, `workflows/${item.apiName}.json#/`);

    if (access.hasSystem('manageUsers')) return;
    for (const { item, before: was } of changesOf<Item & { sharing?: unknown }>(before, after, 'objects').saved) {
      if (stableJson(item.sharing ?? null) !== stableJson(was?.sharing ?? null))
        throw forbidden(
          "changing who sees an object's records needs the manageUsers permission; nothing was changed",
          `objects/${item.apiName}.json#/sharing`,
          'systemPermission',
          'leave sharing as it is, or ask a user manager',
        );
    }
  };
}
