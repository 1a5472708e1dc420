import { createHmac } from 'node:crypto';

/**
 * Signing as the Standard Webhooks spec (standardwebhooks.com) says, so receivers can verify with
 * any of its libraries: HMAC-SHA256 over `id.timestamp.body`, keyed by the secret's base64 bytes.
 */

const PREFIX = 'whsec_';

/** The `webhook-signature` value for one message: `v1,` and the base64 HMAC. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
  const hmac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${hmac}`;
}

export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/**
 * The three headers of a signed message. `id` stays the same across retries of one message, so
 * receivers can drop duplicates; the timestamp is each attempt's own, as receivers refuse old ones.
 */
export function webhookHeaders(secret: string, id: string, body: string, now: Date = new Date()): WebhookHeaders {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, id, timestamp, body),
  };
}
