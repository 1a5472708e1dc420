import type { Recipient } from '../../metadata/types.js';
import { mergeTemplate } from '../../rules/merge-template.js';
import { EmailRefused } from '../email/transport.js';
import { ActionFailed, RetryLater, type ActionContext, type ActionDef } from './action.js';
import { visibleData } from './values.js';

/**
 * Sends an e-mail with the record's values merged into its subject and body. The Message-ID is
 * the run's and the step's, the same on every attempt, so a retry after a crash is recognisable
 * as the same message. A message the transport refuses (a bad address, too many recipients)
 * fails the run; a server that does not answer, or answers 4xx, is retried with backoff.
 */

const MAX_ATTEMPTS = 8;

async function addresses(to: Recipient[], ctx: ActionContext): Promise<string[]> {
  const out: string[] = [];
  for (const r of to) {
    const address =
      'address' in r
        ? r.address
        : 'field' in r
          ? ctx.run.record[r.field]
          : await ctx.services.emailOf(String(ctx.run.record.owner_id));
    if (typeof address === 'string' && address !== '') out.push(address);
  }
  return [...new Set(out)];
}

export const email: ActionDef<{ type: 'email'; to: Recipient[]; subject: string; body: string; html?: string }> = {
  external: true,
  async run(action, ctx) {
    const to = await addresses(action.to, ctx);
    if (!to.length) return { skipped: 'no recipient has an e-mail address' };
    const data = visibleData(ctx);
    // A line break in a merged value would be a header injection; a subject is one line.
    const subject = mergeTemplate(action.subject, data, 'text').replace(/[\r\n]+/g, ' ');
    const messageId = `<${ctx.run.id}.${ctx.run.step}@tessera.invalid>`;
    try {
      await ctx.services.email.send({
        to,
        subject,
        text: mergeTemplate(action.body, data, 'text'),
        ...(action.html === undefined ? {} : { html: mergeTemplate(action.html, data, 'html') }),
        messageId,
      });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const code = (e as { responseCode?: number }).responseCode;
      if (e instanceof EmailRefused || (code !== undefined && code >= 500)) throw new ActionFailed(message);
      if (ctx.run.attempt >= MAX_ATTEMPTS)
        throw new ActionFailed(`${message} (gave up after ${ctx.run.attempt} attempts)`);
      throw new RetryLater(message, Math.min(3_600_000, 5_000 * 2 ** (ctx.run.attempt - 1)));
    }
    return { to: to.length, subject, messageId };
  },
};
