import { uuidv7 } from '../../lib/ids.js';
import type { Audience } from '../../metadata/types.js';
import { mergeTemplate } from '../../rules/merge-template.js';
import { usersOf } from '../audience.js';
import type { ActionDef } from './action.js';
import { visibleData } from './values.js';

/**
 * Puts a notification in the bell of each user the audience names (once each, active users
 * only), linked to the triggering record, in the action's transaction: a retried run does not
 * notify twice. Who the audience names: audience.ts.
 */

export const notify: ActionDef<{ type: 'notify'; to: Audience[]; title: string; body?: string }> = {
  async run(action, ctx) {
    const owner = ctx.run.record.owner_id;
    const users = await usersOf(action.to, {
      db: ctx.db,
      schema: ctx.schema,
      compiled: ctx.compiled,
      ...(typeof owner === 'string' ? { owner } : {}),
    });
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
