import { Problem } from '../../errors.js';
import { mergeTemplate } from '../../rules/merge-template.js';
import { ActionFailed, type ActionDef } from './action.js';
import { visibleData } from './values.js';

/**
 * Submits the triggering record for approval as the run's user. The submission is its own
 * transaction (approvals.ts), so this runs outside the action's: a retry after a crash finds the
 * approval it made pending and counts that as done.
 */
export const startApproval: ActionDef<{ type: 'startApproval'; process?: string; comment?: string }> = {
  external: true,
  async run(action, ctx) {
    const body = {
      ...(action.process ? { process: action.process } : {}),
      ...(action.comment ? { comment: mergeTemplate(action.comment, visibleData(ctx), 'text') } : {}),
    };
    try {
      const approval = await ctx.services.submitApproval(
        ctx.caller,
        ctx.run.object,
        ctx.run.recordId,
        body,
        ctx.run.depth + 1,
      );
      return { approval: approval.id, process: approval.process, status: approval.status };
    } catch (e) {
      if (e instanceof Problem && e.errors.some((f) => f.code === 'approvalPending'))
        return { skipped: 'the record is already waiting for approval' };
      if (e instanceof Problem && e.status < 500) throw new ActionFailed(e.detail);
      throw e;
    }
  },
};
