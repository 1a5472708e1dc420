import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect } from 'vitest';
import { startTestEngine, type TestEngine } from './test-engine.js';
import { waitFor } from './security.js';

/**
 * What the workflow test files share: an engine per file (a live binding, set before the
 * file's tests run), webhooks allowed to 127.0.0.1 and, when asked, a real SMTP server on
 * loopback; helpers to publish workflows and wait for their runs.
 */

export let t: TestEngine;

/** The messages the SMTP server received: envelope and raw text. */
export const mails: { from: string; to: string[]; raw: string }[] = [];

const restore = (name: string, value: string | undefined) => {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};

export function useWorkflowEngine(options: { smtp?: boolean } = {}): void {
  const saved = { hosts: process.env.TESSERA_WEBHOOK_ALLOW_HOSTS, smtp: process.env.TESSERA_SMTP_URL };
  const smtp = options.smtp
    ? new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        onData(stream, session, callback) {
          let raw = '';
          stream.on('data', (c: Buffer) => (raw += c.toString()));
          stream.on('end', () => {
            const from = session.envelope.mailFrom;
            mails.push({ from: from ? from.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
            callback();
          });
        },
      })
    : undefined;
  beforeAll(async () => {
    if (smtp) {
      await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
      process.env.TESSERA_SMTP_URL = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
    }
    process.env.TESSERA_WEBHOOK_ALLOW_HOSTS = '127.0.0.1';
    t = await startTestEngine();
  });
  afterAll(async () => {
    await t?.close();
    if (smtp) await new Promise<void>((resolve) => smtp.close(() => resolve()));
    restore('TESSERA_WEBHOOK_ALLOW_HOSTS', saved.hosts);
    restore('TESSERA_SMTP_URL', saved.smtp);
  });
}

/** A receiver on 127.0.0.1 that answers with the statuses queued in `answers` (200 after), and keeps what it got. */
export interface Receiver {
  url: string;
  got: { headers: http.IncomingHttpHeaders; body: string }[];
  answers: { status: number; headers?: Record<string, string> }[];
  close(): Promise<void>;
}

export async function receiver(): Promise<Receiver> {
  const r = { got: [], answers: [] } as unknown as Receiver;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      r.got.push({ headers: req.headers, body });
      const answer = r.answers.shift() ?? { status: 200 };
      res.writeHead(answer.status, answer.headers).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  r.close = () => new Promise((resolve) => server.close(() => resolve()));
  return r;
}

export async function publishWorkflow(workflow: Record<string, unknown>) {
  const res = await t.api('POST', '/api/v1/meta/workflows', workflow);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const published = await t.api('POST', '/api/v1/meta/publish', {});
  expect(published.status, JSON.stringify(published.body)).toBe(201);
  return res.body;
}

export async function unpublish(apiName: string) {
  expect((await t.api('DELETE', `/api/v1/meta/workflows/${apiName}`)).status).toBe(204);
  expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
}

export const runsOf = async (workflow: string) =>
  (await t.api('GET', `/api/v1/automation/runs?workflow=${workflow}&limit=200`)).body.runs as any[];

/** Waits until the workflow has `count` runs, all finished. */
export function settled(workflow: string, count: number) {
  return waitFor(async () => {
    const runs = await runsOf(workflow);
    return runs.length >= count && runs.every((r) => r.status === 'succeeded' || r.status === 'failed')
      ? runs
      : undefined;
  }, `${count} finished runs of ${workflow}`);
}

/** Everything captured so far has been dispatched (no change is waiting in the outbox). */
export async function drained() {
  await t.engine.automation.tick();
  const [{ n }] = await t.sql(`select count(*)::int as n from ${t.schema}._automation_outbox`);
  expect(n).toBe(0);
}

export const newOpportunity = async (values: Record<string, unknown> = {}, api = t.api) => {
  const res = await api('POST', '/api/v1/records/opportunity', {
    name: 'Acme renewal',
    stage: 'proposal',
    close_date: '2027-01-31',
    ...values,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
};
