import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerEnvelope } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mergeTemplate } from '../../rules/merge-template.js';
import {
  DEFAULT_MAIL_FROM,
  EmailRefused,
  MAX_RECIPIENTS,
  emailTransportFromEnv,
  type OutgoingEmail,
  type UnsentEmail,
} from './transport.js';

/** A message as the SMTP server received it. */
interface Delivery {
  envelope: SMTPServerEnvelope;
  /** Header names lower-cased, folded lines joined. */
  headers: Map<string, string>;
  raw: string;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives and counts connections and logins. */
function startReceiver() {
  const waiting: ((delivery: Delivery) => void)[] = [];
  const state = { connections: 0, logins: [] as Pick<SMTPServerAuthentication, 'username' | 'password'>[] };
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    onConnect(_session, callback) {
      state.connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      state.logins.push({ username: auth.username, password: auth.password });
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
        const headers = new Map(
          head.split('\r\n').map((line) => {
            const colon = line.indexOf(':');
            return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as const;
          }),
        );
        waiting.shift()?.({ envelope: structuredClone(session.envelope), headers, raw });
        callback();
      });
    },
  });
  return {
    server,
    state,
    /** The next message the server receives; ask before sending it. */
    nextDelivery: () => new Promise<Delivery>((resolve) => waiting.push(resolve)),
  };
}

const receiver = startReceiver();
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  port = (receiver.server.server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => receiver.server.close(resolve)));

const DEAL = { name: 'Ada Lovelace', deal: { name: 'Analytical Engine' }, close_date: '2025-03-31' };

function smtp(env: NodeJS.ProcessEnv = {}) {
  return emailTransportFromEnv({ TESSERA_SMTP_URL: `smtp://127.0.0.1:${port}`, ...env });
}

describe('SMTP transport', () => {
  it('delivers the merged message with its envelope, subject, text and Message-ID', async () => {
    const transport = smtp();
    const arrival = receiver.nextDelivery();
    const sent = await transport.send({
      to: ['ada@example.com', 'charles@example.org'],
      subject: mergeTemplate('Deal {{deal.name}} closes {{close_date}}', DEAL, 'text'),
      text: mergeTemplate('Hello {{name}}, your deal {{deal.name}} closes on {{close_date}}.', DEAL, 'text'),
      headers: { 'Auto-Submitted': 'auto-generated' },
      messageId: '<run-42.step-3@tessera.test>',
    });
    const delivery = await arrival;
    transport.close();

    expect(sent.messageId).toBe('<run-42.step-3@tessera.test>');
    expect(delivery.envelope.mailFrom).toMatchObject({ address: 'no-reply@localhost' });
    expect(delivery.envelope.rcptTo.map((r) => r.address)).toEqual(['ada@example.com', 'charles@example.org']);
    expect(delivery.headers.get('message-id')).toBe('<run-42.step-3@tessera.test>');
    expect(delivery.headers.get('subject')).toBe('Deal Analytical Engine closes 2025-03-31');
    expect(delivery.headers.get('from')).toBe(DEFAULT_MAIL_FROM);
    expect(delivery.headers.get('to')).toBe('ada@example.com, charles@example.org');
    expect(delivery.headers.get('auto-submitted')).toBe('auto-generated');
    expect(delivery.raw).toContain('Hello Ada Lovelace, your deal Analytical Engine closes on 2025-03-31.');
  });

  it('sends a retried step with the same Message-ID', async () => {
    const transport = smtp();
    const message: OutgoingEmail = { to: ['ada@example.com'], subject: 'Retry', text: 'x', messageId: '<r1@t.test>' };
    const ids: (string | undefined)[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const arrival = receiver.nextDelivery();
      await transport.send(message);
      ids.push((await arrival).headers.get('message-id'));
    }
    transport.close();
    expect(ids).toEqual(['<r1@t.test>', '<r1@t.test>']);
  });

  it('makes up a Message-ID when none is given, and returns it', async () => {
    const transport = smtp();
    const arrival = receiver.nextDelivery();
    const sent = await transport.send({ to: ['ada@example.com'], subject: 'No id', text: 'x' });
    const delivery = await arrival;
    transport.close();
    expect(sent.messageId).toMatch(/^<[^<>@\s]+@[^<>@\s]+>$/);
    expect(delivery.headers.get('message-id')).toBe(sent.messageId);
  });

  it('sends html beside the text, with merged values escaped', async () => {
    const transport = smtp();
    const arrival = receiver.nextDelivery();
    await transport.send({
      to: ['ada@example.com'],
      subject: 'Html',
      text: 'plain part',
      html: mergeTemplate('<p>Hi {{name}}</p>', { name: '<script>alert(1)</script>' }, 'html'),
    });
    const delivery = await arrival;
    transport.close();
    expect(delivery.headers.get('content-type')).toMatch(/^multipart\/alternative;/);
    expect(delivery.raw).toContain('plain part');
    expect(delivery.raw).toContain('<p>Hi &lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(delivery.raw).not.toContain('<script>');
  });

  it('uses the sender from TESSERA_MAIL_FROM', async () => {
    const transport = smtp({ TESSERA_MAIL_FROM: 'CRM <crm@example.com>' });
    const arrival = receiver.nextDelivery();
    await transport.send({ to: ['ada@example.com'], subject: 'From', text: 'x' });
    const delivery = await arrival;
    transport.close();
    expect(delivery.envelope.mailFrom).toMatchObject({ address: 'crm@example.com' });
    expect(delivery.headers.get('from')).toBe('CRM <crm@example.com>');
  });

  it('logs in with the credentials in the URL, percent-decoded', async () => {
    const transport = emailTransportFromEnv({ TESSERA_SMTP_URL: `smtp://tessera:p%40ss%3Aword@127.0.0.1:${port}` });
    const arrival = receiver.nextDelivery();
    await transport.send({ to: ['ada@example.com'], subject: 'Auth', text: 'x' });
    await arrival;
    transport.close();
    expect(receiver.state.logins).toContainEqual({ username: 'tessera', password: 'p@ss:word' });
  });

  it('fails a send when the server is not there', async () => {
    // Bind a port, then free it: nothing listens there while the send runs.
    const closed = new SMTPServer({ disabledCommands: ['STARTTLS'] });
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(resolve));
    const transport = emailTransportFromEnv({ TESSERA_SMTP_URL: `smtp://127.0.0.1:${freePort}` });
    await expect(transport.send({ to: ['ada@example.com'], subject: 'x', text: 'x' })).rejects.toThrow(/ECONNREFUSED/);
    transport.close();
  });
});

describe('start-up settings', () => {
  it('refuses a URL that is no SMTP URL, without repeating its password', () => {
    for (const url of ['smtp//user:secret@127.0.0.1', 'http://user:secret@127.0.0.1:25', 'direct://user:secret@x']) {
      expect(() => emailTransportFromEnv({ TESSERA_SMTP_URL: url })).toThrow(/TESSERA_SMTP_URL/);
      expect(() => emailTransportFromEnv({ TESSERA_SMTP_URL: url })).not.toThrow(/secret/);
    }
  });

  it('takes smtps:// without connecting', () => {
    expect(() => emailTransportFromEnv({ TESSERA_SMTP_URL: 'smtps://user:secret@127.0.0.1:1' }).close()).not.toThrow();
  });

  it('refuses a sender with a line break', () => {
    expect(() =>
      emailTransportFromEnv({ TESSERA_MAIL_FROM: 'CRM <crm@example.com>\r\nBcc: evil@example.com' }, () => {}),
    ).toThrow(/TESSERA_MAIL_FROM/);
  });
});

describe('log transport', () => {
  it('records recipients and subject, and sends nothing', async () => {
    const entries: UnsentEmail[] = [];
    const transport = emailTransportFromEnv({}, (entry) => entries.push(entry));
    const before = receiver.state.connections;
    const sent = await transport.send({
      to: ['ada@example.com'],
      subject: 'Deal closes',
      text: 'secret body',
      html: '<p>secret body</p>',
      headers: { 'X-Trace': 'secret header' },
      messageId: '<run-1.step-1@tessera.test>',
    });
    transport.close();
    expect(entries).toEqual([{ to: ['ada@example.com'], subject: 'Deal closes' }]);
    expect(JSON.stringify(entries)).not.toMatch(/secret|no-reply/);
    expect(sent.messageId).toBe('<run-1.step-1@tessera.test>');
    expect(receiver.state.connections).toBe(before);
  });

  it('warns on the console when given no log', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await emailTransportFromEnv({}).send({ to: ['ada@example.com'], subject: 'Deal closes', text: 'secret body' });
      expect(warn.mock.calls).toEqual([
        ['email not sent (TESSERA_SMTP_URL is unset): "Deal closes" to ada@example.com'],
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('makes up a Message-ID that names no real host', async () => {
    const transport = emailTransportFromEnv({}, () => {});
    const sent = await transport.send({ to: ['ada@example.com'], subject: 'x', text: 'x' });
    expect(sent.messageId).toMatch(/^<[0-9a-f-]{36}@tessera\.invalid>$/);
  });
});

/** Messages every transport must refuse, each a way record data could reach the headers. */
const REFUSED: [string, Partial<OutgoingEmail>, RegExp][] = [
  ['a CRLF in the subject', { subject: 'Hi\r\nBcc: evil@example.com' }, /subject holds a line break/],
  ['an LF in the subject', { subject: 'Hi\nBcc: evil@example.com' }, /subject holds a line break/],
  ['a CR in the subject', { subject: 'Hi\rBcc: evil@example.com' }, /subject holds a line break/],
  ['a CRLF in an address', { to: ['ada@example.com\r\nBcc: evil@example.com'] }, /address holds a line break/],
  ['an LF in an address', { to: ['ada@example.com\nevil@example.com'] }, /address holds a line break/],
  ['no recipient', { to: [] }, /at least one recipient/],
  [
    'too many recipients',
    { to: Array.from({ length: MAX_RECIPIENTS + 1 }, (_, i) => `r${i}@example.com`) },
    /at most 50 recipients, not 51/,
  ],
  ['an address list in one entry', { to: ['ada@example.com, evil@example.com'] }, /not an email address/],
  ['a display name', { to: ['Ada <ada@example.com>'] }, /not an email address/],
  ['a bare name', { to: ['ada'] }, /not an email address/],
  ['an empty address', { to: [''] }, /not an email address/],
  ['an address without a dotted domain', { to: ['ada@localhost'] }, /not an email address/],
  ['an address with a space', { to: ['ada lovelace@example.com'] }, /not an email address/],
  ['an address past 254 characters', { to: [`${'a'.repeat(64)}@${'b'.repeat(186)}.com`] }, /not an email address/],
  ['a CRLF in a header value', { headers: { 'X-Trace': 'a\r\nBcc: evil@example.com' } }, /X-Trace header holds/],
  ['a header name with a colon', { headers: { 'X-A: b\r\nBcc': 'evil@example.com' } }, /not a header name/],
  ['a header name with a space', { headers: { 'X A': 'b' } }, /not a header name/],
  ['a Bcc header', { headers: { Bcc: 'evil@example.com' } }, /Bcc header is set by the message/],
  ['a to header, any case', { headers: { tO: 'evil@example.com' } }, /tO header is set by the message/],
  ['a Message-ID header', { headers: { 'Message-ID': '<a@b>' } }, /set by the message/],
  ['a Message-ID with a line break', { messageId: '<a@b>\r\nBcc: evil@example.com' }, /Message-ID is written/],
  ['a Message-ID without brackets', { messageId: 'run-1@tessera' }, /Message-ID is written/],
  ['a Message-ID without @', { messageId: '<run-1>' }, /Message-ID is written/],
  ['a Message-ID with a space', { messageId: '<run 1@tessera>' }, /Message-ID is written/],
];

describe('refused messages', () => {
  it.each(REFUSED)('SMTP refuses %s before connecting', async (_case, change, message) => {
    const transport = smtp();
    const before = receiver.state.connections;
    const send = transport.send({ to: ['ada@example.com'], subject: 'Hi', text: 'x', ...change });
    await expect(send).rejects.toThrow(EmailRefused);
    await expect(send).rejects.toThrow(message);
    transport.close();
    expect(receiver.state.connections).toBe(before);
  });

  it.each(REFUSED)('the log transport refuses %s and logs nothing', async (_case, change, message) => {
    const entries: UnsentEmail[] = [];
    const transport = emailTransportFromEnv({}, (entry) => entries.push(entry));
    await expect(transport.send({ to: ['ada@example.com'], subject: 'Hi', text: 'x', ...change })).rejects.toThrow(
      message,
    );
    expect(entries).toEqual([]);
  });

  it('takes exactly MAX_RECIPIENTS recipients', async () => {
    const entries: UnsentEmail[] = [];
    const transport = emailTransportFromEnv({}, (entry) => entries.push(entry));
    const to = Array.from({ length: MAX_RECIPIENTS }, (_, i) => `r${i}@example.com`);
    await transport.send({ to, subject: 'Many', text: 'x' });
    expect(entries[0]?.to).toEqual(to);
  });

  it('takes addresses the email field type takes', async () => {
    const transport = emailTransportFromEnv({}, () => {});
    const longest = `${'a'.repeat(64)}@${'b'.repeat(185)}.com`;
    expect(longest).toHaveLength(254);
    for (const address of [
      'ada.lovelace+crm@example.co.uk',
      "o'brien@example.com",
      'UPPER@EXAMPLE.COM',
      'a@b-c.de',
      longest,
    ])
      await expect(transport.send({ to: [address], subject: 'x', text: 'x' })).resolves.toHaveProperty('messageId');
  });
});
