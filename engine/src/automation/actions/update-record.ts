import type { ActionDef } from './action.js';
import { workOut } from './values.js';

/**
 * Changes the triggering record, with the run's caller's permissions. Values that already hold
 * are not written, so a workflow that sets its own trigger field settles instead of looping.
 */
export const updateRecord: ActionDef<{ type: 'updateRecord'; values: Record<string, unknown> }> = {
  async run(action, ctx) {
    const values = workOut(action.values, ctx.data);
    const changes = Object.fromEntries(
      Object.entries(values).filter(([name, v]) => JSON.stringify(ctx.data[name] ?? null) !== JSON.stringify(v)),
    );
    if (!Object.keys(changes).length) return { skipped: 'the record already holds these values', values };
    const written = await ctx.records.update(ctx.run.object, ctx.run.recordId, changes, ctx.caller);
    return { values: changes, version: written.version };
  },
};
