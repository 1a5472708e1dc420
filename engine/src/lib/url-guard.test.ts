import { readFileSync } from 'node:fs';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { allowHostsFromEnv, checkWebhookUrl, guardedLookup } from './url-guard.js';
import type { HostResolver } from './url-guard.js';

const corpus = readFileSync(new URL('../../test/corpus/ssrf-urls.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

describe('checkWebhookUrl', () => {
  it('refuses every URL of the shared SSRF corpus', () => {
    expect(corpus.length).toBeGreaterThan(10);
    const accepted = corpus.filter((url) => checkWebhookUrl(url, []) === undefined);
    expect(accepted).toEqual([]);
  });

  it.each([
    ['http://127.1/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://%31%32%37.0.0.1/', 'loopback'],
    ['http://[::]/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://100.64.0.1/', 'carrierGradeNat'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://192.0.2.1/', 'reserved'],
    ['http://[fe80::1]/', 'linkLocal'],
    ['http://[::ffff:10.0.0.1]/', 'IPv4-mapped private'],
    ['http://[::ffff:a9fe:a9fe]/', 'IPv4-mapped linkLocal'],
    ['http://[::127.0.0.1]/', 'IPv4-compatible'],
    ['http://foo.localhost/', 'names this machine'],
    ['http://LOCALHOST./', 'names this machine'],
  ])('refuses %s, saying why (%s)', (url, reason) => {
    expect(checkWebhookUrl(url, [])).toContain(reason);
  });

  it('refuses credentials in the URL and other schemes even for an allow-listed host', () => {
    expect(checkWebhookUrl('https://user:secret@hooks.example.com/x', ['hooks.example.com'])).toMatch(/password/);
    expect(checkWebhookUrl('ftp://127.0.0.1/', ['127.0.0.1'])).toMatch(/http or https/);
    expect(checkWebhookUrl('not a url', [])).toMatch(/not a valid URL/);
  });

  it.each([
    'https://hooks.example.com/x',
    'http://8.8.8.8:8080/hook',
    'https://[2606:4700::1]/',
    'http://[::ffff:8.8.8.8]/',
  ])('accepts the public %s', (url) => {
    expect(checkWebhookUrl(url, [])).toBeUndefined();
  });

  it('accepts an allow-listed host in any spelling of it, case-insensitively', () => {
    expect(checkWebhookUrl('http://127.0.0.1:3000/hook', ['127.0.0.1'])).toBeUndefined();
    expect(checkWebhookUrl('http://2130706433/', [' 127.0.0.1 '])).toBeUndefined();
    expect(checkWebhookUrl('http://[0:0:0:0:0:0:0:1]/', ['::1'])).toBeUndefined();
    expect(checkWebhookUrl('http://Receiver.LOCALHOST/', ['receiver.localhost'])).toBeUndefined();
    // The allow-list names hosts, not ranges: its neighbour stays refused.
    expect(checkWebhookUrl('http://127.0.0.2/', ['127.0.0.1'])).toMatch(/loopback/);
  });
});

describe('allowHostsFromEnv', () => {
  it('reads TESSERA_WEBHOOK_ALLOW_HOSTS, comma-separated, blanks dropped', () => {
    expect(allowHostsFromEnv({ TESSERA_WEBHOOK_ALLOW_HOSTS: ' 10.0.0.5, hooks.internal ,,' })).toEqual([
      '10.0.0.5',
      'hooks.internal',
    ]);
    expect(allowHostsFromEnv({})).toEqual([]);
  });
});

/** A resolver answering from a table, as DNS would for names the test owns; it records each question. */
function fakeDns(answers: Record<string, string[]>) {
  const asked: string[] = [];
  const resolve: HostResolver = (hostname, options, callback) => {
    asked.push(hostname);
    expect(options.all).toBe(true);
    const addresses = answers[hostname];
    if (!addresses)
      return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
  return { resolve, asked };
}

type Looked = { error: NodeJS.ErrnoException } | { address: string | LookupAddress[]; family?: number };

function lookUp(lookup: ReturnType<typeof guardedLookup>, hostname: string, options: LookupOptions = {}) {
  return new Promise<Looked>((resolve) =>
    lookup(hostname, options, (error, address, family) => resolve(error ? { error } : { address, family })),
  );
}

describe('guardedLookup', () => {
  it.each(['169.254.169.254', '10.0.0.5', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe', 'fd00::1', '100.64.0.1', '::7f00:1'])(
    'refuses a name resolving to %s',
    async (address) => {
      const dns = fakeDns({ 'evil.test': [address] });
      const looked = await lookUp(guardedLookup([], dns.resolve), 'evil.test');
      expect(looked).toMatchObject({
        error: { code: 'ESSRF', message: expect.stringContaining('evil.test resolves to') },
      });
      expect(dns.asked).toEqual(['evil.test']);
    },
  );

  it('refuses when any one address is not public, whichever Node would pick', async () => {
    const dns = fakeDns({ 'rebind.test': ['93.184.216.34', '10.0.0.5'] });
    for (const options of [{}, { all: true }, { family: 4 }]) {
      const looked = await lookUp(guardedLookup([], dns.resolve), 'rebind.test', options);
      expect(looked).toMatchObject({ error: { code: 'ESSRF', message: expect.stringContaining('10.0.0.5') } });
    }
  });

  it('answers in the shape Node asked for: one address, or all of them', async () => {
    const dns = fakeDns({ 'hooks.example.com': ['93.184.216.34', '2606:2800:220:1::1'] });
    const lookup = guardedLookup([], dns.resolve);
    expect(await lookUp(lookup, 'hooks.example.com')).toEqual({ address: '93.184.216.34', family: 4 });
    expect(await lookUp(lookup, 'hooks.example.com', { all: true })).toEqual({
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1::1', family: 6 },
      ],
      family: undefined,
    });
  });

  it('lets an allow-listed name resolve to a private address', async () => {
    const dns = fakeDns({ 'crm-hooks.internal': ['10.0.0.5'] });
    const looked = await lookUp(guardedLookup(['CRM-Hooks.internal'], dns.resolve), 'crm-hooks.internal');
    expect(looked).toEqual({ address: '10.0.0.5', family: 4 });
  });

  it('passes a resolver failure through', async () => {
    const looked = await lookUp(guardedLookup([], fakeDns({}).resolve), 'nowhere.test');
    expect(looked).toMatchObject({ error: { code: 'ENOTFOUND' } });
  });
});
