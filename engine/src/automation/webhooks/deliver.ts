import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { parseRetryAfter } from './retry-schedule.js';
import { webhookHeaders } from './signature.js';
import { checkWebhookUrl, guardedLookup, WebhookAddressRefused } from '../../lib/url-guard.js';
import type { HostResolver } from '../../lib/url-guard.js';

/**
 * One attempt to deliver one signed message. It never throws: every way it can end is a result the
 * caller stores in the delivery log and schedules on (retry-schedule.ts).
 *
 * It uses node:http rather than fetch because only a request can carry its own `lookup`, and that
 * is where the connect-time address check runs (url-guard.ts).
 */

export interface WebhookDelivery {
  url: string;
  /** The endpoint's `whsec_` secret. */
  secret: string;
  /** The message id: the same on every attempt, so receivers can drop duplicates. */
  id: string;
  /** The JSON text sent and signed, byte for byte. */
  body: string;
  /** The whole attempt: connecting, sending, and reading the answer. */
  timeoutMs: number;
  allowHosts: readonly string[];
  /** The name resolver behind the connect-time guard (dns.lookup); tests inject one. The guard itself always runs. */
  resolve?: HostResolver;
  /** The signing time; the attempt's start unless given. */
  now?: Date;
  /**
   * How many workflows in a row led to this message, sent as `tessera-chain-depth`: a receiver
   * that writes back into Tessera (an inbound trigger) passes it on, so loops through other
   * systems stop too.
   */
  depth?: number;
}

export interface DeliveryResult {
  /** delivered: 2xx; gone: 410, disable the endpoint; retry: 429, 5xx, timeout or network error; failed: anything else. */
  outcome: 'delivered' | 'retry' | 'gone' | 'failed';
  status?: number;
  durationMs: number;
  /** The receiver's Retry-After, on a retry. */
  retryAfterMs?: number;
  error?: string;
  /** The start of the answer's body, for the delivery log. */
  responseSnippet?: string;
}

/** How much of an answer is kept; the rest is not read. */
const SNIPPET_BYTES = 4096;

export async function deliverWebhook(delivery: WebhookDelivery): Promise<DeliveryResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  // Again here, not only at save time: the allow-list may have shrunk, and Node does not call
  // `lookup` for an IP literal, so this is the only check such a URL gets.
  const refusal = checkWebhookUrl(delivery.url, delivery.allowHosts);
  if (refusal) return { outcome: 'failed', error: refusal, durationMs: elapsed() };
  const now = delivery.now ?? new Date();
  const reply = await post(delivery, now);
  const durationMs = elapsed();
  if ('error' in reply) {
    // A refused address will be refused again: retrying would only hammer the guard.
    const outcome = reply.error instanceof WebhookAddressRefused ? 'failed' : 'retry';
    return { outcome, error: reply.error.message, durationMs };
  }
  const { status, responseSnippet } = reply;
  const outcome = outcomeOf(status);
  const retryAfterMs = outcome === 'retry' ? parseRetryAfter(reply.retryAfter, now) : undefined;
  return {
    outcome,
    status,
    durationMs,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(outcome === 'delivered' ? {} : { error: `the receiver answered ${status}` }),
    responseSnippet,
  };
}

function outcomeOf(status: number): DeliveryResult['outcome'] {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 410) return 'gone';
  if (status === 429 || (status >= 500 && status < 600)) return 'retry';
  // A 3xx lands here and is never followed: redirects are the classic way around an SSRF check,
  // sending the request to a URL nobody saved or checked.
  return 'failed';
}

type Reply = { status: number; retryAfter?: string; responseSnippet: string } | { error: Error };

function post(delivery: WebhookDelivery, now: Date): Promise<Reply> {
  return new Promise((resolve) => {
    const url = new URL(delivery.url);
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      // A fresh connection per attempt: every connect goes through the guarded lookup.
      agent: false,
      lookup: guardedLookup(delivery.allowHosts, delivery.resolve),
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(delivery.body),
        'user-agent': 'Tessera-Webhooks/1',
        ...(delivery.depth === undefined ? {} : { 'tessera-chain-depth': String(delivery.depth) }),
        ...webhookHeaders(delivery.secret, delivery.id, delivery.body, now),
      },
    });
    let response: http.IncomingMessage | undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    const answer = (): Reply => {
      const retryAfter = response!.headers['retry-after'];
      const responseSnippet = Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8');
      return { status: response!.statusCode ?? 0, ...(retryAfter ? { retryAfter } : {}), responseSnippet };
    };
    let settled = false;
    const settle = (reply: Reply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(reply);
    };
    // Once the status is in, the receiver has answered: a body still trickling when time runs out
    // does not turn its answer into a timeout.
    const timer = setTimeout(
      () => settle(response ? answer() : { error: new Error(`no answer within ${delivery.timeoutMs} ms`) }),
      delivery.timeoutMs,
    );
    request.on('error', (error) => settle(response ? answer() : { error }));
    request.on('response', (incoming) => {
      response = incoming;
      incoming.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        if (received >= SNIPPET_BYTES) settle(answer());
      });
      incoming.on('end', () => settle(answer()));
      incoming.on('error', () => settle(answer()));
    });
    request.end(delivery.body);
  });
}
