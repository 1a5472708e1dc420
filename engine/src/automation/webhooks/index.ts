// What the rest of the automation engine uses; the files hold one concern each.
export { deliverWebhook } from './deliver.js';
export type { DeliveryResult, WebhookDelivery } from './deliver.js';
export { MAX_WEBHOOK_ATTEMPTS, retryDelayMs } from './retry-schedule.js';
export { allowHostsFromEnv, checkWebhookUrl } from '../../lib/url-guard.js';
