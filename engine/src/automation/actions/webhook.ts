import { redact } from '../../security/field-guard.js';
import { allowHostsFromEnv } from '../../lib/url-guard.js';
import { deliverWebhook, MAX_WEBHOOK_ATTEMPTS, retryDelayMs } from '../webhooks/index.js';
import { ActionFailed, RetryLater, type ActionDef, type RunFacts } from './action.js';
import type { Caller } from '../../security/caller.js';
import type { CompiledMetadata } from '../../metadata/compile.js';

/**
 * POSTs the change to an endpoint outside, signed (Standard Webhooks). The message — its id
 * (`<run>.<step>`) and its bytes — is the same on every attempt, so the receiver can drop the
 * duplicates retries make; the record in it holds only the fields the run's caller may read.
 * Timeouts, 429 and 5xx are retried with backoff and the receiver's Retry-After, up to
 * MAX_WEBHOOK_ATTEMPTS; 410 Gone disables the endpoint; another answer fails the run.
 */

export interface WebhookMessage {
  id: string;
  body: string;
}

export function webhookMessage(run: RunFacts, caller: Caller, compiled: CompiledMetadata): WebhookMessage {
  const object = compiled.objects.get(run.object);
  // A copy: the run's record stays whole for the actions after this one.
  const visible = (r: Record<string, unknown>) => (object ? redact(object, { ...r }, caller.access) : {});
  const body = JSON.stringify({
    type: `${run.object}.${run.event}`,
    timestamp: run.createdAt,
    data: {
      workflow: run.workflow,
      run: run.id,
      object: run.object,
      id: run.recordId,
      event: run.event,
      changed: run.changed,
      record: visible(run.record),
      ...(run.old ? { old: visible(run.old) } : {}),
      depth: run.depth,
    },
  });
  return { id: `${run.id}.${run.step}`, body };
}

export const webhook: ActionDef<{ type: 'webhook'; url: string; secret: string }> = {
  external: true,
  async run(action, ctx) {
    const disabled = await ctx.services.endpointDisabled(action.url);
    if (disabled) throw new ActionFailed(`the endpoint is disabled: ${disabled}; replay a delivery to enable it`);
    const message = webhookMessage(ctx.run, ctx.caller, ctx.compiled);
    const result = await deliverWebhook({
      url: action.url,
      secret: action.secret,
      id: message.id,
      body: message.body,
      timeoutMs: ctx.services.webhookTimeoutMs,
      allowHosts: allowHostsFromEnv(),
      depth: ctx.run.depth + 1,
    });
    const output = { status: result.status ?? null, durationMs: result.durationMs, webhookId: message.id };
    if (result.outcome === 'delivered') return output;
    const error = result.error ?? result.outcome;
    if (result.outcome === 'gone') {
      await ctx.services.disableEndpoint(action.url, `it answered 410 Gone on ${new Date().toISOString()}`);
      throw new ActionFailed(`${error}: the endpoint is gone and now disabled`, output);
    }
    if (result.outcome === 'retry' && ctx.run.attempt < MAX_WEBHOOK_ATTEMPTS)
      throw new RetryLater(error, retryDelayMs(ctx.run.attempt, result.retryAfterMs), output);
    throw new ActionFailed(
      result.outcome === 'retry' ? `${error} (gave up after ${ctx.run.attempt} attempts)` : error,
      output,
    );
  },
};
