import type { FieldError } from '../errors.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import type { PermissionSetDef } from '../metadata/types.js';
import type { Access } from './access.js';

/**
 * "You can only grant what you hold": each grant of a permission set — object flags, field
 * access, system permissions — checked against the granting user's own access. The superuser
 * holds everything. Used when a permission set is saved and when one is given to a user.
 */
export function grantsBeyond(
  granter: Access,
  set: PermissionSetDef,
  compiled: CompiledMetadata,
  at = '',
): FieldError[] {
  if (granter.isAdmin) return [];
  const errors: FieldError[] = [];
  for (const [object, flags] of Object.entries(set.objects ?? {})) {
    const held = granter.object(object);
    for (const [flag, on] of Object.entries(flags)) {
      if (on && !held[flag as keyof typeof held])
        errors.push({
          field: `${at}/objects/${object}/${flag}`,
          code: 'grantBeyondOwn',
          message: `you do not hold ${flag} on ${object}, so you cannot grant it`,
        });
    }
  }
  for (const [path, access] of Object.entries(set.fields ?? {})) {
    const [object, field] = path.split('.') as [string, string];
    if (access.edit && !granter.canEditField(object, field))
      errors.push({
        field: `${at}/fields/${path}/edit`,
        code: 'grantBeyondOwn',
        message: `you cannot edit ${path}, so you cannot grant it`,
      });
    else if (access.read && !granter.canReadField(object, field))
      errors.push({
        field: `${at}/fields/${path}/read`,
        code: 'grantBeyondOwn',
        message: `you cannot read ${path}, so you cannot grant it`,
      });
  }
  for (const p of set.system ?? []) {
    if (!granter.hasSystem(p))
      errors.push({
        field: `${at}/system`,
        code: 'grantBeyondOwn',
        message: `you do not hold ${p}, so you cannot grant it`,
      });
  }
  // Unlisted fields follow the set's object access: granting object read grants every field read.
  // (Objects already refused above are not repeated field by field.)
  for (const [object, flags] of Object.entries(set.objects ?? {})) {
    const target = compiled.objects.get(object);
    if (!target || errors.some((e) => e.field.startsWith(`${at}/objects/${object}/`))) continue;
    for (const field of target.fields.keys()) {
      if (set.fields?.[`${object}.${field}`]) continue;
      const read = !!(flags.read || flags.edit || flags.delete || flags.viewAll || flags.modifyAll);
      const edit = !!(flags.edit || flags.delete || flags.modifyAll);
      if ((edit && !granter.canEditField(object, field)) || (read && !granter.canReadField(object, field))) {
        errors.push({
          field: `${at}/fields/${object}.${field}`,
          code: 'grantBeyondOwn',
          message: `the set would grant ${edit ? 'edit' : 'read'} on ${object}.${field}, which you do not hold; list it with less access`,
        });
      }
    }
  }
  return errors;
}
