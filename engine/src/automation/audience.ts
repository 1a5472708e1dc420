import type { Knex } from 'knex';
import type { CompiledMetadata } from '../metadata/compile.js';
import type { Approver, Audience } from '../metadata/types.js';

/**
 * The active users a notify action or an approval step names: a user, the users of a role or a
 * group, a record's owner, or someone's manager — the users of the role directly above theirs
 * (the owner's for notifications, the submitter's for approvals). Each user once.
 */

export interface AudienceContext {
  db: Knex | Knex.Transaction;
  schema: string;
  compiled: CompiledMetadata;
  /** The record's owner, for `owner` and `ownerManager`. */
  owner?: string;
  /** Who submitted the approval, for `submitterManager`. */
  submitter?: string;
}

export async function usersOf(targets: readonly (Audience | Approver)[], ctx: AudienceContext): Promise<string[]> {
  const users = () => ctx.db(`${ctx.schema}._users`).where({ active: true }).select<{ id: string }[]>('id');
  const managersOf = async (userId: string | undefined) => {
    if (!userId) return [];
    const user = await ctx.db(`${ctx.schema}._users`).where({ id: userId }).first<{ role: string | null }>('role');
    const parent = ctx.compiled.snapshot.roles?.find((r) => r.apiName === user?.role)?.parent;
    return parent ? users().where({ role: parent }) : [];
  };
  const ids = new Set<string>();
  for (const t of targets) {
    const rows =
      'user' in t
        ? await users().where({ id: t.user })
        : 'role' in t
          ? await users().where({ role: t.role })
          : 'group' in t
            ? await users().whereIn(
                'id',
                ctx.db(`${ctx.schema}._group_members`).where({ group_name: t.group }).select('user_id'),
              )
            : 'owner' in t
              ? ctx.owner
                ? await users().where({ id: ctx.owner })
                : []
              : 'ownerManager' in t
                ? await managersOf(ctx.owner)
                : await managersOf(ctx.submitter);
    for (const r of rows) ids.add(r.id);
  }
  return [...ids];
}
