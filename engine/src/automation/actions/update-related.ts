import type { ActionValues } from '../../metadata/types.js';
import type { ActionDef } from './action.js';
import { workOut } from './values.js';

/**
 * Changes related records with values worked out from the triggering record: the parent a lookup
 * points at, or every record of a related list (its lookup pointing here, narrowed by a filter),
 * as the run's caller through the records service — their permissions and the related object's
 * rules apply, and one refusal fails the action with nothing written.
 */

type UpdateRelated =
  | { type: 'updateRelated'; parent: string; values: ActionValues }
  | { type: 'updateRelated'; children: { object: string; lookup: string }; filter?: unknown; values: ActionValues };

const PAGE = 500;
const MAX_CHILDREN = 10_000;

export const updateRelated: ActionDef<UpdateRelated> = {
  async run(action, ctx) {
    const values = workOut(action.values, ctx.data);
    if ('parent' in action) {
      const parentId = ctx.run.record[action.parent];
      const id = typeof parentId === 'string' ? parentId : (parentId as { id?: string } | null)?.id;
      if (!id) return { skipped: `the record has no ${action.parent}` };
      const target = ctx.compiled.objects.get(ctx.run.object)!.fields.get(action.parent)!.def.target!;
      const written = await ctx.records.update(target, id, values, ctx.caller);
      return { object: target, id, values, version: written.version };
    }
    const { object, lookup } = action.children;
    const filter = {
      and: [{ [lookup]: { eq: ctx.run.recordId } }, ...(action.filter === undefined ? [] : [action.filter])],
    };
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await ctx.records.list(
        object,
        { filter, fields: lookup, limit: PAGE, ...(cursor ? { cursor } : {}) },
        ctx.caller,
      );
      ids.push(...(JSON.parse(`[${page.records}]`) as { id: string }[]).map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor && ids.length < MAX_CHILDREN);
    if (!ids.length) return { object, updated: 0 };
    for (let i = 0; i < ids.length; i += 2_000) {
      await ctx.records.bulkUpdate(
        object,
        { records: ids.slice(i, i + 2_000).map((id) => ({ id, ...values })) },
        ctx.caller,
      );
    }
    return { object, updated: ids.length, values };
  },
};
