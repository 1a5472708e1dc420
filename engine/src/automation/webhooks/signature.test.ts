import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret } from '../../lib/ids.js';
import { signWebhook, webhookHeaders } from './signature.js';

describe('newWebhookSecret', () => {
  it('is whsec_ and 32 random bytes in base64, new each time', () => {
    const secrets = [newWebhookSecret(), newWebhookSecret()];
    for (const secret of secrets) {
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    }
    expect(secrets[0]).not.toBe(secrets[1]);
  });
});

describe('signWebhook', () => {
  it("matches the Standard Webhooks spec's example", () => {
    const signature = signWebhook(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});

describe('webhookHeaders', () => {
  const secret = newWebhookSecret();
  const body = JSON.stringify({ type: 'record.created', data: { name: 'Zoë Ångström' } });

  it('verify with the standardwebhooks library', () => {
    const now = new Date();
    const headers = webhookHeaders(secret, 'msg_1', body, now);
    expect(headers['webhook-id']).toBe('msg_1');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('fail verification when the body, the id or the secret differ', () => {
    const headers = webhookHeaders(secret, 'msg_1', body);
    const receiver = new Webhook(secret);
    expect(() => receiver.verify(body.replace('created', 'deleted'), headers)).toThrow(/signature/);
    expect(() => receiver.verify(body, { ...headers, 'webhook-id': 'msg_2' })).toThrow(/signature/);
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow(/signature/);
  });

  it('fail verification once the timestamp is older than receivers accept', () => {
    const hourAgo = new Date(Date.now() - 60 * 60 * 1000);
    expect(() => new Webhook(secret).verify(body, webhookHeaders(secret, 'msg_1', body, hourAgo))).toThrow(/too old/);
  });
});
