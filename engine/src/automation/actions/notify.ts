import { uuidv7 } from '../../lib/ids.js';
import type { Audience } from '../../metadata/types.js';
import { mergeTemplate } from '../../rules/merge-template.js';
import type { ActionContext, ActionDef } from './action.js';
import { visibleData } from './values.js';

/**
 * Puts a notification in the bell of each user the audience names (once each, active users
 * only), linked to the triggering record, in the action's transaction: a retried run does not
 * notify twice. The owner's manager is the users of the role directly above the owner's role.
 */

async function recipients(to: Audience[], ctx: ActionContext): Promise<string[]> {
  const users = () => ctx.db(`${ctx.schema}._users`).where({ active: true });
  const ownerId = typeof ctx.run.record.owner_id === 'string' ? ctx.run.record.owner_id : undefined;
  const ids = new Set<string>();
  const add = (rows: { id: string }[]) => rows.forEach((r) => ids.add(r.id));
  for (const a of to) {
    if ('user' in a) add(await users().where({ id: a.user }).select('id'));
    else if ('role' in a) add(await users().where({ role: a.role }).select('id'));
    else if ('group' in a)
      add(
        await users()
          .whereIn('id', ctx.db(`${ctx.schema}._group_members`).where({ group_name: a.group }).select('user_id'))
          .select('id'),
      );
    else if ('owner' in a && ownerId) add(await users().where({ id: ownerId }).select('id'));
    else if ('ownerManager' in a && ownerId) {
      const owner = await ctx.db(`${ctx.schema}._users`).where({ id: ownerId }).first<{ role: string | null }>('role');
      const parent = ctx.compiled.snapshot.roles?.find((r) => r.apiName === owner?.role)?.parent;
      if (parent) add(await users().where({ role: parent }).select('id'));
    }
  }
  return [...ids];
}

export const notify: ActionDef<{ type: 'notify'; to: Audience[]; title: string; body?: string }> = {
  async run(action, ctx) {
    const users = await recipients(action.to, ctx);
    if (!users.length) return { skipped: 'nobody to notify' };
    const data = visibleData(ctx);
    const title = mergeTemplate(action.title, data, 'text');
    const body = action.body === undefined ? null : mergeTemplate(action.body, data, 'text');
    await ctx.db(`${ctx.schema}._notifications`).insert(
      users.map((user_id) => ({
        id: uuidv7(),
        user_id,
        title,
        body,
        object: ctx.run.object,
        record_id: ctx.run.recordId,
        run_id: ctx.run.id,
      })),
    );
    return { notified: users.length, title };
  },
};
