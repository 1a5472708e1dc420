import type { Knex } from 'knex';
import { badRequest, notFound } from '../errors.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import { mergeGrants } from './grants.js';

/**
 * What the users of one role may do with each field of an object: the union of the grants of
 * the permission sets the role's active users hold (an admin among them sees everything, as
 * they would). The studio's layout preview applies it ("preview as role"), so the preview hides
 * what those users cannot read and makes read-only what they cannot edit. Grants are the current
 * release's; a field only the draft has follows its object's access, as a field no permission
 * set lists does (grants.ts).
 */

export interface RoleFieldAccess {
  role: string;
  object: string;
  /** How many active users hold the role (none: nothing is readable). */
  users: number;
  /** The role's users may read records of the object. */
  read: boolean;
  /** The role's users may create or edit records of the object. */
  edit: boolean;
  fields: Record<string, { read: boolean; edit: boolean }>;
}

export async function roleFieldAccess(
  knex: Knex,
  schema: string,
  compiled: CompiledMetadata,
  role: unknown,
  object: unknown,
  draftFields: readonly string[],
): Promise<RoleFieldAccess> {
  if (typeof role !== 'string' || !(compiled.snapshot.roles ?? []).some((r) => r.apiName === role))
    throw notFound(`role "${String(role)}" is not published`);
  if (typeof object !== 'string' || object === '')
    throw badRequest('object is the API name of an object', [
      { field: 'object', code: 'required', message: 'expected ?object=<api name>' },
    ]);
  const users = await knex(`${schema}._users`)
    .where({ role, active: true })
    .select<{ permission_sets: string[] | null; is_admin: boolean }[]>('permission_sets', 'is_admin');
  const admin = users.some((u) => u.is_admin);
  const grants = mergeGrants(compiled, [...new Set(users.flatMap((u) => u.permission_sets ?? []))]);
  const objectGrant = grants.objects.get(object);
  const read = admin || !!objectGrant?.read;
  const edit = admin || !!(objectGrant?.edit || objectGrant?.create);
  const published = grants.fields.get(object);
  const fields: RoleFieldAccess['fields'] = {};
  for (const name of draftFields) {
    const grant = published?.get(name);
    fields[name] = admin ? { read: true, edit: true } : grant ? { ...grant } : { read, edit: edit && read };
  }
  return { role, object, users: users.length, read, edit, fields };
}
