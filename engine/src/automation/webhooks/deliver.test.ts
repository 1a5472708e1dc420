import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverWebhook } from './deliver.js';
import type { WebhookDelivery } from './deliver.js';
import { newWebhookSecret } from '../../lib/ids.js';
import type { HostResolver } from '../../lib/url-guard.js';

// Every request here goes to a server this file starts on 127.0.0.1, or to no one.

interface Receiver {
  url: string;
  port: number;
  /** Requests read in full, in arrival order. */
  requests: { headers: http.IncomingHttpHeaders; body: string }[];
  /** TCP connections accepted: what proves a refused delivery never connected. */
  connections: number;
}

const servers: http.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A receiver on 127.0.0.1 that reads each request's body, then lets `answer` reply (or not). */
async function receiver(answer: (response: http.ServerResponse) => void): Promise<Receiver> {
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      state.requests.push({ headers: request.headers, body });
      answer(response);
    });
  });
  servers.push(server);
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const state: Receiver = { url: `http://127.0.0.1:${port}/hooks/crm`, port, requests: [], connections: 0 };
  return state;
}

const reply =
  (status: number, headers: http.OutgoingHttpHeaders = {}, body = '') =>
  (response: http.ServerResponse) =>
    response.writeHead(status, headers).end(body);

const secret = newWebhookSecret();
const body = JSON.stringify({ type: 'opportunity.won', data: { id: 'opp_1', amount: 125000 } });

function delivery(url: string, more: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return { url, secret, id: 'msg_2Xq', body, timeoutMs: 5_000, allowHosts: ['127.0.0.1'], ...more };
}

describe('deliverWebhook', () => {
  it('posts a signed message the receiver verifies with the standardwebhooks library', async () => {
    const target = await receiver(reply(200, {}, 'thanks'));
    const result = await deliverWebhook(delivery(target.url));
    expect(result).toEqual({
      outcome: 'delivered',
      status: 200,
      durationMs: expect.any(Number),
      responseSnippet: 'thanks',
    });
    const [received] = target.requests;
    expect(received!.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Tessera-Webhooks/1',
      'webhook-id': 'msg_2Xq',
    });
    expect(received!.body).toBe(body);
    const verified = new Webhook(secret).verify(received!.body, received!.headers as Record<string, string>);
    expect(verified).toEqual(JSON.parse(body));
  });

  it.each([
    [410, 'gone'],
    [503, 'retry'],
    [500, 'retry'],
    [400, 'failed'],
    [404, 'failed'],
  ])('reads %i as %s', async (status, outcome) => {
    const target = await receiver(reply(status, {}, 'nope'));
    const result = await deliverWebhook(delivery(target.url));
    expect(result).toMatchObject({
      outcome,
      status,
      error: `the receiver answered ${status}`,
      responseSnippet: 'nope',
    });
    expect(result.retryAfterMs).toBeUndefined();
  });

  it("retries a 429 no sooner than the receiver's Retry-After", async () => {
    const target = await receiver(reply(429, { 'retry-after': '7' }));
    expect(await deliverWebhook(delivery(target.url))).toMatchObject({
      outcome: 'retry',
      status: 429,
      retryAfterMs: 7000,
    });
  });

  it('does not follow a redirect: the 302 fails and its target hears nothing', async () => {
    const elsewhere = await receiver(reply(200));
    const target = await receiver(reply(302, { location: elsewhere.url }));
    const result = await deliverWebhook(delivery(target.url));
    expect(result).toMatchObject({ outcome: 'failed', status: 302 });
    expect(target.requests).toHaveLength(1);
    expect(elsewhere.connections).toBe(0);
  });

  it('gives up on a receiver that never answers after timeoutMs, to retry later', async () => {
    const target = await receiver(() => {});
    const result = await deliverWebhook(delivery(target.url, { timeoutMs: 200 }));
    expect(result).toMatchObject({ outcome: 'retry', error: 'no answer within 200 ms' });
    expect(result.status).toBeUndefined();
    // Timers may fire a millisecond early by the performance clock.
    expect(result.durationMs).toBeGreaterThanOrEqual(195);
    expect(target.requests).toHaveLength(1);
  });

  it('takes a status already in as the answer when the body is still coming at timeoutMs', async () => {
    const target = await receiver((response) => response.writeHead(200).write('accepted, still writing'));
    const result = await deliverWebhook(delivery(target.url, { timeoutMs: 200 }));
    expect(result).toMatchObject({ outcome: 'delivered', status: 200, responseSnippet: 'accepted, still writing' });
  });

  it('keeps only the first 4 KB of a long answer', async () => {
    const target = await receiver(reply(503, {}, 'x'.repeat(100_000)));
    const result = await deliverWebhook(delivery(target.url));
    expect(result).toMatchObject({ outcome: 'retry', status: 503 });
    expect(result.responseSnippet).toBe('x'.repeat(4096));
  });

  it('retries when nothing listens', async () => {
    const closed = await receiver(reply(200));
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    const result = await deliverWebhook(delivery(closed.url));
    expect(result).toMatchObject({ outcome: 'retry', error: expect.stringContaining('ECONNREFUSED') });
  });
});

describe('deliverWebhook refuses non-public addresses', () => {
  it('checks the URL again before connecting: 127.0.0.1 not allow-listed fails, unconnected', async () => {
    const target = await receiver(reply(200));
    const result = await deliverWebhook(delivery(target.url, { allowHosts: [] }));
    expect(result).toMatchObject({ outcome: 'failed', error: expect.stringContaining('loopback') });
    expect(result.status).toBeUndefined();
    expect(target.connections).toBe(0);
  });

  /** DNS for evil.test, pointing where the test says; it records each question. */
  function evilDns(address: string) {
    const asked: string[] = [];
    const resolve: HostResolver = (hostname, _options, callback) => {
      asked.push(hostname);
      callback(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
    };
    return { resolve, asked };
  }

  // The name resolves to the receiver's own address, so a guard that let it through would show up
  // as a connection there; 169.254.169.254 and 10.0.0.5 are refused by the same code, proven in
  // url-guard.test.ts without sending a packet.
  it.each(['127.0.0.1', '::ffff:127.0.0.1'])('refuses a name resolving to %s at connect time', async (address) => {
    const target = await receiver(reply(200));
    const dns = evilDns(address);
    const result = await deliverWebhook(
      delivery(`http://evil.test:${target.port}/`, { allowHosts: [], resolve: dns.resolve }),
    );
    expect(result).toMatchObject({
      outcome: 'failed',
      error: expect.stringContaining(`evil.test resolves to ${address}, not a public address`),
    });
    expect(dns.asked).toEqual(['evil.test']);
    expect(target.connections).toBe(0);
  });

  it('connects where the resolver says when the name is allow-listed (the control for the above)', async () => {
    const target = await receiver(reply(200));
    const dns = evilDns('127.0.0.1');
    const result = await deliverWebhook(
      delivery(`http://evil.test:${target.port}/`, { allowHosts: ['evil.test'], resolve: dns.resolve }),
    );
    expect(result).toMatchObject({ outcome: 'delivered', status: 200 });
    expect(target.connections).toBe(1);
    expect(target.requests[0]!.headers.host).toBe(`evil.test:${target.port}`);
  });
});
