import type { ActionDef } from './action.js';
import { workOut } from './values.js';

/** Creates a record (a follow-up task, say) with values worked out from the triggering record. */
export const createRecord: ActionDef<{ type: 'createRecord'; object: string; values: Record<string, unknown> }> = {
  async run(action, ctx) {
    const values = workOut(action.values, ctx.data);
    const created = await ctx.records.create(action.object, values, ctx.caller);
    return { object: action.object, id: created.id, values };
  },
};
