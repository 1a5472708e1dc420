import type { Knex } from 'knex';
import { notFound } from '../errors.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import type { Caller, RequireRecord } from './caller.js';
import { compileFormula } from '../rules/formula-sql.js';
import { Access } from './access.js';
import type { AuthService } from './auth.service.js';
import { recordAccessSql } from './record-access.js';

/**
 * GET /api/v1/records/{object}/{id}/access?user={id}: can that user read, edit or delete the
 * record, and which grants give it. The verdicts come from the very SQL conditions every request
 * uses (record-access.ts), so the explanation cannot disagree with what the API does; the grants
 * list says why.
 */

export interface AccessGrant {
  access: 'read' | 'edit' | 'full';
  reason:
    'admin' | 'modifyAll' | 'viewAll' | 'orgWideDefault' | 'owner' | 'roleHierarchy' | 'manualShare' | 'sharingRule';
  detail?: string;
}

/** The record's owner and the three verdicts; requireRecord has made sure the record exists. */
interface RecordAccessRow {
  owner_id: string | null;
  owner_role: string | null;
  can_read: boolean;
  can_edit: boolean;
  can_full: boolean;
}

export async function explainAccess(
  deps: { knex: Knex; schema: string; compiled: CompiledMetadata; requireRecord: RequireRecord; auth: AuthService },
  objectName: string,
  id: string,
  userId: unknown,
  caller: Caller,
) {
  const object = await deps.requireRecord(objectName, id, caller);
  const who = typeof userId === 'string' && userId !== '' ? userId : caller.userId;
  if (who !== caller.userId) caller.access.requireSystem('manageUsers');
  const principal = await deps.auth.principalOf(who);
  if (!principal) throw notFound(`user ${who} does not exist`);
  const access = new Access(principal, deps.compiled);
  const grant = access.object(objectName);
  const { knex, schema } = deps;
  const flag = (mode: 'read' | 'edit' | 'full') => {
    const c = recordAccessSql(access, object, schema, 'r', mode);
    return knex.raw('? as ??', [c ? knex.raw(c.sql, c.bindings as Knex.RawBinding[]) : true, `can_${mode}`]);
  };
  const row = await knex(`${schema}.${object.table} as r`)
    .where('r.id', id)
    .leftJoin(`${schema}._users as o`, 'o.id', 'r.owner_id')
    .first<RecordAccessRow>('r.owner_id', 'o.role as owner_role', flag('read'), flag('edit'), flag('full'));

  const grants: AccessGrant[] = [];
  const sharing = object.def.sharing?.default ?? 'private';
  if (principal.isAdmin) grants.push({ access: 'full', reason: 'admin' });
  else if (grant.modifyAll) grants.push({ access: 'full', reason: 'modifyAll' });
  else if (grant.viewAll) grants.push({ access: 'read', reason: 'viewAll' });
  if (sharing !== 'private')
    grants.push({ access: sharing === 'readWrite' ? 'edit' : 'read', reason: 'orgWideDefault', detail: sharing });
  if (row.owner_id === principal.id) grants.push({ access: 'full', reason: 'owner' });
  else if (row.owner_role && access.subordinateRoles().includes(row.owner_role))
    grants.push({
      access: 'full',
      reason: 'roleHierarchy',
      detail: `the owner's role ${row.owner_role} is below ${principal.role}`,
    });
  const shares = await knex(`${schema}._record_shares`)
    .where({ object_id: object.def.id, record_id: id })
    .where((w) => {
      w.where('user_id', principal.id).orWhereIn('group_name', principal.groups);
    })
    .select<{ access: AccessGrant['access']; group_name: string | null }[]>('access', 'group_name');
  for (const s of shares)
    grants.push({
      access: s.access,
      reason: 'manualShare',
      detail: s.group_name ? `shared with group ${s.group_name}` : 'shared with the user',
    });
  const fields = new Map([...object.fields].map(([n, f]) => [n, f.def]));
  for (const rule of access.sharingRules(object)) {
    const { sql } = compileFormula(rule.criteria, fields, 'boolean', 'r');
    if (!sql) continue;
    // The rule's SQL is compiled from metadata (identifiers quoted, literals escaped); \? keeps its
    // question marks characters rather than knex bindings.
    const hit = await knex(`${schema}.${object.table} as r`)
      .where('r.id', id)
      .first<{ hit: boolean } | undefined>(
        knex.raw('coalesce(?, false) as hit', [knex.raw(sql.replace(/\?/g, '\\?'))]),
      );
    if (hit?.hit) grants.push({ access: rule.access, reason: 'sharingRule', detail: rule.apiName });
  }
  return {
    user: { id: principal.id, name: principal.name },
    object: objectName,
    record: id,
    objectPermissions: grant,
    read: grant.read && !!row.can_read,
    edit: grant.edit && !!row.can_read && !!row.can_edit,
    delete: grant.delete && !!row.can_read && !!row.can_full,
    grants,
  };
}
