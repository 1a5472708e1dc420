import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';
import { createUser, waitFor } from './support/security.js';

/**
 * Record-triggered workflows end to end: saved and checked as metadata, published, fired by the
 * capture triggers in the transaction of each change, run from the job queue.
 */

let t: TestEngine;
const saved = { hosts: process.env.TESSERA_WEBHOOK_ALLOW_HOSTS, smtp: process.env.TESSERA_SMTP_URL };

/** A real SMTP server on 127.0.0.1 keeping each message's envelope and raw text. */
const mails: { from: string; to: string[]; raw: string }[] = [];
const smtp = new SMTPServer({
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
});

/** A receiver on 127.0.0.1 that answers with the statuses queued in `answers` (200 after), and keeps what it got. */
interface Receiver {
  url: string;
  got: { headers: http.IncomingHttpHeaders; body: string }[];
  answers: { status: number; headers?: Record<string, string> }[];
  close(): Promise<void>;
}

async function receiver(): Promise<Receiver> {
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

const restore = (name: string, value: string | undefined) => {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};

beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  process.env.TESSERA_SMTP_URL = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  process.env.TESSERA_WEBHOOK_ALLOW_HOSTS = '127.0.0.1';
  t = await startTestEngine();
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  restore('TESSERA_WEBHOOK_ALLOW_HOSTS', saved.hosts);
  restore('TESSERA_SMTP_URL', saved.smtp);
});

async function publishWorkflow(workflow: Record<string, unknown>) {
  const res = await t.api('POST', '/api/v1/meta/workflows', workflow);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const published = await t.api('POST', '/api/v1/meta/publish', {});
  expect(published.status, JSON.stringify(published.body)).toBe(201);
  return res.body;
}

async function unpublish(apiName: string) {
  expect((await t.api('DELETE', `/api/v1/meta/workflows/${apiName}`)).status).toBe(204);
  expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
}

const runsOf = async (workflow: string) =>
  (await t.api('GET', `/api/v1/automation/runs?workflow=${workflow}&limit=200`)).body.runs as any[];

/** Waits until the workflow has `count` runs, all finished. */
function settled(workflow: string, count: number) {
  return waitFor(async () => {
    const runs = await runsOf(workflow);
    return runs.length >= count && runs.every((r) => r.status === 'succeeded' || r.status === 'failed')
      ? runs
      : undefined;
  }, `${count} finished runs of ${workflow}`);
}

/** Everything captured so far has been dispatched (no change is waiting in the outbox). */
async function drained() {
  await t.engine.automation.tick();
  const [{ n }] = await t.sql(`select count(*)::int as n from ${t.schema}._automation_outbox`);
  expect(n).toBe(0);
}

const newOpportunity = async (values: Record<string, unknown> = {}, api = t.api) => {
  const res = await api('POST', '/api/v1/records/opportunity', {
    name: 'Acme renewal',
    stage: 'proposal',
    close_date: '2027-01-31',
    ...values,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
};

describe('workflows as metadata', () => {
  it('refuses a workflow naming what does not exist, each name with its place', async () => {
    const res = await t.api('POST', '/api/v1/meta/workflows', {
      apiName: 'bad_refs',
      label: 'Bad',
      object: 'opportunity',
      trigger: { on: 'update', fields: ['nope'] },
      condition: { '==': [{ var: '$old.ghost' }, 1] },
      actions: [
        { type: 'updateRecord', values: { missing: 1, next_step: { method: ['x', 'toString'] } } },
        { type: 'createRecord', object: 'activity', values: { description: 'x' } },
        { type: 'email', to: [{ field: 'name' }], subject: 'Hi {{nobody}}', body: 'x' },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const fields = res.body.errors.map((e: any) => `${e.field} ${e.code}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        '/trigger/fields/0 reference',
        '/condition reference',
        '/actions/0/values/missing unknownField',
        '/actions/0/values/next_step logic',
        '/actions/1/values required',
        '/actions/2/to/0/field type',
        '/actions/2/subject reference',
      ]),
    );
    expect((await t.api('GET', '/api/v1/meta/workflows/bad_refs')).status).toBe(404);
  });

  it('refuses every webhook URL of the SSRF corpus when saved, unless its host is allow-listed', async () => {
    const { corpus } = await import('./support/test-engine.js');
    delete process.env.TESSERA_WEBHOOK_ALLOW_HOSTS;
    try {
      for (const url of corpus('ssrf-urls.txt')) {
        const res = await t.api('POST', '/api/v1/meta/workflows', {
          apiName: 'ssrf',
          label: 'SSRF',
          object: 'opportunity',
          trigger: { on: 'create' },
          actions: [{ type: 'webhook', url }],
        });
        expect(res.status, url).toBe(422);
        expect(res.body.errors[0]).toMatchObject({ field: '/actions/0/url', code: 'format' });
      }
    } finally {
      process.env.TESSERA_WEBHOOK_ALLOW_HOSTS = '127.0.0.1';
    }
    const allowed = await t.api('POST', '/api/v1/meta/workflows', {
      apiName: 'ssrf',
      label: 'SSRF',
      object: 'opportunity',
      trigger: { on: 'create' },
      actions: [{ type: 'webhook', url: 'http://127.0.0.1:9/hook' }],
    });
    expect(allowed.status).toBe(201);
    // A secret was generated for it, kept when the workflow is saved again.
    const secret = allowed.body.actions[0].secret as string;
    expect(secret).toMatch(/^whsec_/);
    const again = await t.api('PUT', '/api/v1/meta/workflows/ssrf', {
      ...allowed.body,
      actions: [{ type: 'webhook', url: 'http://127.0.0.1:9/hook' }],
    });
    expect(again.body.actions[0].secret).toBe(secret);
    expect((await t.api('DELETE', '/api/v1/meta/workflows/ssrf')).status).toBe(204);
  });
});

describe('record-triggered runs', () => {
  it('runs an update action when the trigger and condition hold, and only then', async () => {
    await publishWorkflow({
      apiName: 'won_next_step',
      label: { en: 'Won: next step', 'zh-CN': '赢单：下一步' },
      object: 'opportunity',
      trigger: { on: 'update', changedTo: { stage: 'closed_won' } },
      condition: { '!=': [{ var: '$old.stage' }, 'closed_lost'] },
      actions: [{ type: 'updateRecord', values: { next_step: { cat: ['Kick-off for ', { var: 'name' }] } } }],
    });
    const id = await newOpportunity();
    // Another field changing is not the trigger; nor is a change from closed_lost (the condition).
    expect((await t.api('PATCH', `/api/v1/records/opportunity/${id}`, { amount: 100 })).status).toBe(200);
    const lost = await newOpportunity({ stage: 'closed_lost', name: 'Lost one' });
    expect((await t.api('PATCH', `/api/v1/records/opportunity/${lost}`, { stage: 'closed_won' })).status).toBe(200);
    expect((await t.api('PATCH', `/api/v1/records/opportunity/${id}`, { stage: 'closed_won' })).status).toBe(200);
    const [run] = await settled('won_next_step', 1);
    await drained();
    expect(await runsOf('won_next_step')).toHaveLength(1);
    expect(run).toMatchObject({ status: 'succeeded', event: 'updated', recordId: id, depth: 0 });
    expect(run.changed).toContain('stage');
    const record = await t.api('GET', `/api/v1/records/opportunity/${id}`);
    expect(record.body.next_step).toBe('Kick-off for Acme renewal');

    const detail = await t.api('GET', `/api/v1/automation/runs/${run.id}`);
    expect(detail.body.steps).toEqual([
      expect.objectContaining({ step: 0, action: 'updateRecord', status: 'succeeded', attempt: 1 }),
    ]);
    expect(detail.body.oldRecord.stage).toBe('proposal');
    // The change the workflow made is in the record's history, as made by a workflow.
    const history = await t.api('GET', `/api/v1/records/opportunity/${id}/history`);
    expect(history.body.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'next_step', via: 'workflow' })]),
    );
    await unpublish('won_next_step');
  });

  it('fires nothing for a write that rolls back, and fires for bulk writes and imports', async () => {
    await publishWorkflow({
      apiName: 'follow_up',
      label: 'Follow-up task',
      object: 'opportunity',
      trigger: { on: 'create' },
      actions: [
        {
          type: 'createRecord',
          object: 'activity',
          values: { subject: { cat: ['Call about ', { var: 'name' }] }, activity_type: 'call' },
        },
      ],
    });
    // All or none: the second record fails, so the first is rolled back with its event.
    const bulk = await t.api('POST', '/api/v1/records/opportunity/bulk', {
      allOrNone: true,
      records: [
        { name: 'Rolled back', stage: 'proposal', close_date: '2027-01-31' },
        { name: 'Bad', stage: 'no_such_stage', close_date: '2027-01-31' },
      ],
    });
    expect(bulk.status).toBe(422);
    await drained();
    expect(await runsOf('follow_up')).toHaveLength(0);

    const ok = await t.api('POST', '/api/v1/records/opportunity/bulk', {
      records: [
        { name: 'Bulk one', stage: 'proposal', close_date: '2027-01-31' },
        { name: 'Bulk two', stage: 'proposal', close_date: '2027-01-31' },
      ],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const csv = 'name,stage,close_date\nImported,proposal,2027-02-01\n';
    const imported = await t.api('POST', '/api/v1/records/opportunity/import', csv, { 'content-type': 'text/csv' });
    expect(imported.status, JSON.stringify(imported.body)).toBeLessThan(300);
    const runs = await settled('follow_up', 3);
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const tasks = await t.api(
      'GET',
      `/api/v1/records/activity?filter=${encodeURIComponent(JSON.stringify({ subject: { startsWith: 'Call about ' } }))}`,
    );
    expect(tasks.body.data.map((r: any) => r.subject).sort()).toEqual([
      'Call about Bulk one',
      'Call about Bulk two',
      'Call about Imported',
    ]);
    await unpublish('follow_up');
  });

  it('lets a workflow that sets its own trigger field settle, and stops a loop at depth 16', async () => {
    await publishWorkflow({
      apiName: 'settles',
      label: 'Settles',
      object: 'opportunity',
      trigger: { on: 'update', fields: ['next_step'] },
      actions: [{ type: 'updateRecord', values: { next_step: 'reviewed' } }],
    });
    const id = await newOpportunity();
    await t.api('PATCH', `/api/v1/records/opportunity/${id}`, { next_step: 'call them' });
    // Its own change (call them → reviewed) triggers it once more, which finds nothing to change.
    const runs = await settled('settles', 2);
    await drained();
    expect((await runsOf('settles')).length).toBe(2);
    expect(runs.map((r) => r.depth).sort()).toEqual([0, 1]);
    expect((await t.api('GET', `/api/v1/records/opportunity/${id}`)).body.next_step).toBe('reviewed');
    await unpublish('settles');

    // Two workflows that keep changing each other's field: a loop only the depth guard ends.
    await t.api('POST', '/api/v1/meta/workflows', {
      apiName: 'ping',
      label: 'Ping',
      object: 'opportunity',
      trigger: { on: 'update', fields: ['amount'] },
      actions: [{ type: 'updateRecord', values: { probability: { '%': [{ '+': [{ var: 'amount' }, 1] }, 100] } } }],
    });
    await publishWorkflow({
      apiName: 'pong',
      label: 'Pong',
      object: 'opportunity',
      trigger: { on: 'update', fields: ['probability'] },
      actions: [{ type: 'updateRecord', values: { amount: { '+': [{ var: 'amount' }, 1] } } }],
    });
    const looped = await newOpportunity({ amount: 1 });
    await t.api('PATCH', `/api/v1/records/opportunity/${looped}`, { amount: 2 });
    const stopped = await waitFor(async () => {
      const runs = [...(await runsOf('ping')), ...(await runsOf('pong'))];
      return runs.find((r) => r.status === 'failed');
    }, 'the loop to be stopped');
    expect(stopped.depth).toBe(16);
    expect(stopped.error).toMatch(/16 times in a row/);
    await drained();
    const all = [...(await runsOf('ping')), ...(await runsOf('pong'))];
    expect(all).toHaveLength(17);
    expect(all.filter((r) => r.status === 'succeeded')).toHaveLength(16);
    // The engine is healthy: it answers and writes.
    expect((await t.api('GET', `/api/v1/records/opportunity/${looped}`)).status).toBe(200);
    await unpublish('ping');
    await unpublish('pong');
  });

  it('runs as the triggering user (their permissions fail the run, with the reason) unless runAs is system', async () => {
    const workflow = {
      apiName: 'needs_rights',
      label: 'Needs rights',
      object: 'opportunity',
      trigger: { on: 'create' },
      actions: [
        { type: 'createRecord', object: 'product', values: { name: { cat: ['Product of ', { var: 'name' }] } } },
      ],
    };
    await publishWorkflow(workflow);
    // A sales rep may create opportunities but only read products.
    const rep = await createUser(t, { name: 'Rep', permissionSets: ['sales_user'] });
    await newOpportunity({ name: 'Rep deal' }, rep.api);
    const [refused] = await settled('needs_rights', 1);
    expect(refused).toMatchObject({ status: 'failed', userId: rep.id });
    expect(refused.error).toMatch(/createRecord/);
    const detail = await t.api('GET', `/api/v1/automation/runs/${refused.id}`);
    expect(detail.body.steps).toEqual([expect.objectContaining({ status: 'failed', attempt: 1 })]);

    expect((await t.api('PUT', '/api/v1/meta/workflows/needs_rights', { ...workflow, runAs: 'system' })).status).toBe(
      200,
    );
    expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
    await newOpportunity({ name: 'Rep deal 2' }, rep.api);
    const runs = await settled('needs_rights', 2);
    expect(runs[0]).toMatchObject({ status: 'succeeded', userId: rep.id });
    const product = await t.api(
      'GET',
      `/api/v1/records/product?filter=${encodeURIComponent(JSON.stringify({ name: 'Product of Rep deal 2' }))}`,
    );
    expect(product.body.data).toHaveLength(1);

    // A failed run retried (after the admin changed the workflow) runs on the definition it started with.
    const retried = await t.api('POST', `/api/v1/automation/runs/${refused.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('queued');
    const again = await waitFor(async () => {
      const run = (await t.api('GET', `/api/v1/automation/runs/${refused.id}`)).body;
      return run.status === 'failed' && run.steps.length === 2 ? run : undefined;
    }, 'the retried run to fail again');
    expect(again.steps.map((s: any) => s.attempt)).toEqual([1, 2]);
    expect((await t.api('POST', `/api/v1/automation/runs/${runs[0].id}/retry`)).status).toBe(409);
    await unpublish('needs_rights');
  });
});

describe('updateRelated', () => {
  it('changes the parent through a lookup, and the records of a related list', async () => {
    const account = (await t.api('POST', '/api/v1/records/account', { name: 'Related Inc', rating: 'warm' })).body.id;
    const contacts = [];
    for (const last_name of ['One', 'Two'])
      contacts.push((await t.api('POST', '/api/v1/records/contact', { last_name, account })).body.id);
    const elsewhere = (await t.api('POST', '/api/v1/records/contact', { last_name: 'Elsewhere' })).body.id;
    await publishWorkflow({
      apiName: 'won_account_hot',
      label: 'Won: account hot',
      object: 'opportunity',
      trigger: { on: 'update', changedTo: { stage: 'closed_won' } },
      actions: [{ type: 'updateRelated', parent: 'account', values: { rating: 'hot' } }],
    });
    await publishWorkflow({
      apiName: 'hot_contacts',
      label: 'Hot account: call its contacts',
      object: 'account',
      trigger: { on: 'update', changedTo: { rating: 'hot' } },
      actions: [
        {
          type: 'updateRelated',
          children: { object: 'contact', lookup: 'account' },
          filter: { last_name: { ne: 'Two' } },
          values: { title: { cat: ['Call: ', { var: 'name' }] } },
        },
      ],
    });
    const opp = await newOpportunity({ name: 'Related deal', account });
    await t.api('PATCH', `/api/v1/records/opportunity/${opp}`, { stage: 'closed_won' });
    await settled('won_account_hot', 1);
    const [run] = await settled('hot_contacts', 1);
    expect(run, run.error).toMatchObject({ status: 'succeeded', depth: 1 });
    expect((await t.api('GET', `/api/v1/records/account/${account}`)).body.rating).toBe('hot');
    const titles = await Promise.all(
      [...contacts, elsewhere].map(async (id) => (await t.api('GET', `/api/v1/records/contact/${id}`)).body.title),
    );
    expect(titles).toEqual(['Call: Related Inc', null, null]);

    const bad = await t.api('POST', '/api/v1/meta/workflows', {
      apiName: 'bad_related',
      label: 'x',
      object: 'opportunity',
      trigger: { on: 'create' },
      actions: [
        { type: 'updateRelated', parent: 'name', values: { rating: 'hot' } },
        { type: 'updateRelated', children: { object: 'contact', lookup: 'account' }, values: { title: 'x' } },
      ],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: any) => e.field)).toEqual(['/actions/0/parent', '/actions/1/children/lookup']);
    await unpublish('won_account_hot');
    await unpublish('hot_contacts');
  });
});

describe('manual workflows', () => {
  it('run for the records a person picks, as that person, and show as buttons to those who see the object', async () => {
    await publishWorkflow({
      apiName: 'escalate',
      label: { en: 'Escalate', 'zh-CN': '升级' },
      object: 'opportunity',
      trigger: { manual: true },
      condition: { '!=': [{ var: 'stage' }, 'closed_lost'] },
      actions: [{ type: 'updateRecord', values: { next_step: { cat: ['Escalated by ', { var: 'name' }] } } }],
    });
    const rep = await createUser(t, { name: 'Manual rep', permissionSets: ['sales_user'] });
    const support = await createUser(t, { name: 'Support', permissionSets: ['support_user'] });
    const runtime = async (api: typeof t.api) => (await api('GET', '/api/v1/meta/runtime')).body.actions;
    expect(await runtime(rep.api)).toEqual([
      { apiName: 'escalate', label: { en: 'Escalate', 'zh-CN': '升级' }, object: 'opportunity' },
    ]);
    expect(await runtime(support.api)).toEqual([]);

    const open = await newOpportunity({ name: 'Open deal' }, rep.api);
    const lost = await newOpportunity({ name: 'Lost deal', stage: 'closed_lost', description: 'price' }, rep.api);
    const res = await rep.api('POST', '/api/v1/automation/workflows/escalate/run', { records: [open, lost] });
    expect(res.status).toBe(202);
    expect(res.body.skipped).toEqual([{ recordId: lost, reason: 'the condition does not hold' }]);
    expect(res.body.runs).toEqual([{ recordId: open, runId: expect.any(String) }]);
    const [run] = await settled('escalate', 1);
    expect(run).toMatchObject({ status: 'succeeded', event: 'manual', userId: rep.id, recordId: open });
    expect((await rep.api('GET', `/api/v1/records/opportunity/${open}`)).body.next_step).toBe('Escalated by Open deal');

    // A record the caller cannot see (opportunities are private) answers as one that does not
    // exist, and starts nothing; so does a workflow on an object they do not see.
    const hidden = await newOpportunity({ name: 'Admin only' });
    const refused = await rep.api('POST', '/api/v1/automation/workflows/escalate/run', { records: [hidden] });
    expect(refused.status).toBe(404);
    expect(refused.body).toEqual((await rep.api('GET', `/api/v1/records/opportunity/${hidden}`)).body);
    expect(await runsOf('escalate')).toHaveLength(1);
    expect((await support.api('POST', '/api/v1/automation/workflows/escalate/run', { records: [open] })).status).toBe(
      404,
    );
    expect((await rep.api('POST', '/api/v1/automation/workflows/nope/run', { records: [open] })).status).toBe(404);
    for (const body of [{}, { records: [] }, { records: 'x' }, { records: [1] }]) {
      const bad = await rep.api('POST', '/api/v1/automation/workflows/escalate/run', body);
      expect(bad.status, JSON.stringify(body)).toBe(422);
      expect(bad.body.errors[0].field).toBe('records');
    }
    await unpublish('escalate');
  });
});

describe('time-based triggers (the clock controlled)', () => {
  const at = (iso: string) => t.engine.automation.schedule(new Date(iso));

  it('a date-relative trigger fires once per record when its time comes, and again when the date moves', async () => {
    const soon = await newOpportunity({ name: 'Closes soon', close_date: '2027-05-10' });
    await publishWorkflow({
      apiName: 'before_close',
      label: 'Three days before close',
      object: 'opportunity',
      trigger: { relativeTo: 'close_date', offset: '-P3D', filter: { stage: { ne: 'closed_lost' } } },
      actions: [{ type: 'updateRecord', values: { next_step: { cat: ['Closing on ', { var: 'close_date' }] } } }],
    });
    await at('2027-05-01T00:00:00Z'); // first seen: nothing before now fires
    await newOpportunity({
      name: 'Lost, filtered out',
      close_date: '2027-05-10',
      stage: 'closed_lost',
      description: 'x',
    });
    await at('2027-05-06T23:59:59Z');
    expect(await runsOf('before_close')).toHaveLength(0);
    await at('2027-05-07T00:00:00Z');
    await at('2027-05-07T06:00:00Z'); // the same time twice: once
    const [first] = await settled('before_close', 1);
    expect(first).toMatchObject({ status: 'succeeded', recordId: soon, event: 'scheduled' });
    expect((await t.api('GET', `/api/v1/records/opportunity/${soon}`)).body.next_step).toBe('Closing on 2027-05-10');

    // The date moves: the time moves with it.
    await t.api('PATCH', `/api/v1/records/opportunity/${soon}`, { close_date: '2027-05-20' });
    await at('2027-05-16T12:00:00Z');
    expect(await runsOf('before_close')).toHaveLength(1);
    await at('2027-05-17T00:00:01Z');
    const runs = await settled('before_close', 2);
    expect(runs.map((r) => r.recordId)).toEqual([soon, soon]);
    expect((await t.api('GET', `/api/v1/records/opportunity/${soon}`)).body.next_step).toBe('Closing on 2027-05-20');
    await unpublish('before_close');
  });

  it('a schedule fires at its cron times in its time zone, for the records its filter matches; missed times once', async () => {
    await publishWorkflow({
      apiName: 'daily_nudge',
      label: 'Daily nudge',
      object: 'opportunity',
      trigger: {
        schedule: '0 9 * * *',
        timezone: 'Asia/Shanghai',
        filter: { and: [{ stage: { eq: 'prospecting' } }, { name: { startsWith: 'Nudge' } }] },
      },
      actions: [{ type: 'updateRecord', values: { description: { cat: ['nudged ', { var: 'name' }] } } }],
    });
    await at('2027-06-01T00:00:00Z');
    const prospect = await newOpportunity({ name: 'Nudge me', stage: 'prospecting' });
    await newOpportunity({ name: 'Nudge not', stage: 'proposal' });
    await at('2027-06-01T00:59:00Z'); // 08:59 in Shanghai
    expect(await runsOf('daily_nudge')).toHaveLength(0);
    await at('2027-06-01T01:00:30Z'); // 09:00:30
    await at('2027-06-01T01:00:40Z');
    expect((await settled('daily_nudge', 1)).map((r) => r.recordId)).toEqual([prospect]);
    await at('2027-06-03T05:00:00Z'); // two 9:00s since: one firing
    expect(await settled('daily_nudge', 2)).toHaveLength(2);
    expect((await t.api('GET', `/api/v1/records/opportunity/${prospect}`)).body.description).toBe('nudged Nudge me');
    await unpublish('daily_nudge');
  });

  it('refuses schedules, zones, fields and offsets it cannot read', async () => {
    for (const [trigger, field] of [
      [{ schedule: 'every day' }, '/trigger/schedule'],
      [{ schedule: '0 9 * * *', timezone: 'Mars/Olympus' }, '/trigger/timezone'],
      [{ schedule: '0 9 * * *', filter: { nope: { eq: 1 } } }, '/trigger/filter/nope'],
      [{ relativeTo: 'name', offset: '-P3D' }, '/trigger/relativeTo'],
      [{ relativeTo: 'close_date', offset: 'three days' }, '/trigger/offset'],
    ] as const) {
      const res = await t.api('POST', '/api/v1/meta/workflows', {
        apiName: 'bad_time',
        label: 'x',
        object: 'opportunity',
        trigger,
        actions: [{ type: 'updateRecord', values: { next_step: 'x' } }],
      });
      expect(res.status, JSON.stringify(trigger)).toBe(422);
      expect(
        res.body.errors.map((e: any) => e.field),
        JSON.stringify(trigger),
      ).toContain(field);
    }
  });
});

describe('inbound workflows', () => {
  it('turn a POST to their secret URL into a record written as their user, run their actions, and keep loops bounded', async () => {
    // A sales user may only read products: an inbound workflow writing as them is refused.
    const integration = await createUser(t, { name: 'ERP integration', permissionSets: ['sales_user'] });
    const me = (await t.api('GET', '/api/v1/auth/me')).body;
    const admin = me.user ?? me;
    const saved = await publishWorkflow({
      apiName: 'erp_products',
      label: 'Products from the ERP',
      object: 'product',
      trigger: { inbound: true, user: admin.id, upsertOn: 'product_code' },
      condition: { '!!': [{ var: 'list_price' }] },
      actions: [
        { type: 'updateRecord', values: { description: { cat: ['From the ERP: ', { var: 'product_code' }] } } },
      ],
    });
    const secret = saved.trigger.secret as string;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const post = (body: unknown, headers: Record<string, string> = {}, key = secret) =>
      fetch(`${t.url}/api/v1/inbound/default/${key}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), body: await r.json() }));

    const first = await post({ name: 'Widget', product_code: 'W-1', list_price: 10 });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ created: true, runId: expect.any(String) });
    const again = await post(
      { name: 'Widget v2', product_code: 'W-1', list_price: 12 },
      { 'tessera-chain-depth': '3' },
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, id: first.body.id });
    const runs = await settled('erp_products', 2);
    expect(runs.map((r) => [r.event, r.depth, r.status])).toEqual([
      ['inbound', 3, 'succeeded'],
      ['inbound', 0, 'succeeded'],
    ]);
    const product = (await t.api('GET', `/api/v1/records/product/${first.body.id}`)).body;
    expect(product).toMatchObject({ name: 'Widget v2', list_price: 12, description: 'From the ERP: W-1' });

    // Refused without writing: a wrong secret (404, as for no workflow), bad values (422), a loop (409).
    const count = async () => (await t.api('GET', '/api/v1/records/product?count=exact&limit=1')).body.count;
    const before = await count();
    const wrong = await post(
      { name: 'x', product_code: 'X-1' },
      {},
      `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`,
    );
    expect([wrong.status, wrong.type]).toEqual([404, expect.stringContaining('application/problem+json')]);
    const invalidValues = await post({ name: 'x', product_code: 'X-2', list_price: 'cheap' });
    expect(invalidValues.status).toBe(422);
    expect(invalidValues.body.errors[0].field).toContain('list_price');
    const loop = await post({ name: 'x', product_code: 'X-3' }, { 'tessera-chain-depth': '16' });
    expect(loop.status).toBe(409);
    expect((await post([1, 2])).status).toBe(422);
    const denied = await publishWorkflow({
      apiName: 'erp_denied',
      label: 'As a sales user',
      object: 'product',
      trigger: { inbound: true, user: integration.id },
      actions: [{ type: 'updateRecord', values: { description: 'x' } }],
    });
    const refused = await post({ name: 'y', product_code: 'Y-1' }, {}, denied.trigger.secret);
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].code).toBe('objectPermission');
    expect(await count()).toBe(before);
    await unpublish('erp_denied');
    await unpublish('erp_products');
    expect((await post({ name: 'after', product_code: 'X-4' })).status).toBe(404);
  });
});

describe('wait', () => {
  it('parks the run until its time, then does the actions after it', async () => {
    await publishWorkflow({
      apiName: 'later',
      label: 'Later',
      object: 'opportunity',
      trigger: { on: 'create' },
      actions: [
        { type: 'updateRecord', values: { next_step: 'now' } },
        { type: 'wait', for: 'PT2S' },
        { type: 'updateRecord', values: { description: 'two seconds later' } },
      ],
    });
    const id = await newOpportunity({ name: 'Waits' });
    const waiting = await waitFor(async () => {
      const [run] = await runsOf('later');
      return run?.status === 'waiting' ? run : undefined;
    }, 'the run to wait');
    const during = (await t.api('GET', `/api/v1/records/opportunity/${id}`)).body;
    expect([during.next_step, during.description]).toEqual(['now', null]);
    const [run] = await settled('later', 1);
    expect(run.status).toBe('succeeded');
    expect(new Date(run.finishedAt).getTime() - new Date(waiting.createdAt).getTime()).toBeGreaterThanOrEqual(2000);
    expect((await t.api('GET', `/api/v1/records/opportunity/${id}`)).body.description).toBe('two seconds later');
    const steps = (await t.api('GET', `/api/v1/automation/runs/${run.id}`)).body.steps;
    expect(steps.map((s: any) => [s.step, s.action, s.status])).toEqual([
      [0, 'updateRecord', 'succeeded'],
      [1, 'wait', 'succeeded'],
      [2, 'updateRecord', 'succeeded'],
    ]);
    expect(steps[1].output.until).toMatch(/^\d{4}-/);
    for (const bad of ['P1M', 'P400D', 'soon'])
      expect(
        (
          await t.api('POST', '/api/v1/meta/workflows', {
            apiName: 'bad_wait',
            label: 'x',
            object: 'opportunity',
            trigger: { on: 'create' },
            actions: [{ type: 'wait', for: bad }],
          })
        ).status,
        bad,
      ).toBe(422);
    await unpublish('later');
  });
});

describe('webhooks', () => {
  it('delivers a signed message the standard verifier accepts, the same id on every retry, honouring Retry-After', async () => {
    const r = await receiver();
    r.answers.push({ status: 503, headers: { 'retry-after': '1' } });
    const workflow = await publishWorkflow({
      apiName: 'hook',
      label: 'Hook',
      object: 'opportunity',
      trigger: { on: 'create' },
      actions: [{ type: 'webhook', url: r.url }],
    });
    const id = await newOpportunity({ name: 'Hooked', amount: 42 });
    const [run] = await settled('hook', 1);
    expect(run.status).toBe('succeeded');
    expect(r.got).toHaveLength(2);
    const [first, second] = r.got;
    expect(first!.headers['webhook-id']).toBe(second!.headers['webhook-id']);
    expect(first!.body).toBe(second!.body);
    const verified = new Webhook(workflow.actions[0].secret).verify(second!.body, second!.headers as any) as any;
    expect(verified).toMatchObject({ type: 'opportunity.created', data: { id, object: 'opportunity', depth: 0 } });
    expect(verified.data.record).toMatchObject({ name: 'Hooked', amount: 42 });
    expect(second!.headers['tessera-chain-depth']).toBe('1');
    const detail = await t.api('GET', `/api/v1/automation/runs/${run.id}`);
    expect(detail.body.steps.map((s: any) => [s.attempt, s.status, s.output?.status])).toEqual([
      [1, 'failed', 503],
      [2, 'succeeded', 200],
    ]);
    await unpublish('hook');
    await r.close();
  });

  it('fails the run on a 4xx without retrying, and disables an endpoint that answers 410', async () => {
    const r = await receiver();
    r.answers.push({ status: 400 }, { status: 410 });
    await publishWorkflow({
      apiName: 'gone_hook',
      label: 'Gone',
      object: 'opportunity',
      trigger: { on: 'create' },
      actions: [{ type: 'webhook', url: r.url }],
    });
    await newOpportunity({ name: 'Refused' });
    await settled('gone_hook', 1);
    await newOpportunity({ name: 'Gone' });
    await settled('gone_hook', 2);
    await newOpportunity({ name: 'After gone' });
    const runs = await settled('gone_hook', 3);
    expect(runs.map((x) => x.status)).toEqual(['failed', 'failed', 'failed']);
    expect(r.got).toHaveLength(2);
    expect(runs[0].error).toMatch(/disabled/);
    expect(runs[2].error).toMatch(/400/);
    // Replaying a delivery sends the same message again and enables the endpoint.
    const replay = await t.api('POST', `/api/v1/automation/runs/${runs[1].id}/steps/0/replay`);
    expect(replay.body).toEqual({ step: 0, ok: true });
    expect(r.got).toHaveLength(3);
    expect(r.got[2]!.headers['webhook-id']).toBe(r.got[1]!.headers['webhook-id']);
    const detail = await t.api('GET', `/api/v1/automation/runs/${runs[1].id}`);
    expect(detail.body.status).toBe('failed');
    expect(detail.body.steps.map((s: any) => [s.attempt, s.status])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    await newOpportunity({ name: 'Enabled again' });
    expect((await settled('gone_hook', 4))[0].status).toBe('succeeded');
    for (const [path, status] of [
      [`/api/v1/automation/runs/${runs[1].id}/steps/7/replay`, 404],
      [`/api/v1/automation/runs/${runs[1].id}/steps/x/replay`, 404],
    ] as const)
      expect((await t.api('POST', path)).status, path).toBe(status);
    await unpublish('gone_hook');
    await r.close();
  });
});

describe('notifications', () => {
  it("notify puts one notification per user in their bell: a user, a role, the owner and the owner's manager", async () => {
    const roles = (await t.api('GET', '/api/v1/meta/roles')).body.data as { apiName: string; parent?: string }[];
    const child = roles.find((r) => r.parent)!;
    const rep = await createUser(t, { name: 'Bell rep', role: child.apiName, permissionSets: ['sales_user'] });
    const manager = await createUser(t, { name: 'Bell manager', role: child.parent!, permissionSets: ['sales_user'] });
    await publishWorkflow({
      apiName: 'bell',
      label: 'Bell',
      object: 'opportunity',
      trigger: { on: 'update', changedTo: { stage: 'negotiation' } },
      actions: [
        {
          type: 'notify',
          to: [{ owner: true }, { ownerManager: true }, { user: rep.id }],
          title: '{{name}} is in negotiation',
          body: 'Next step: {{next_step}}',
        },
      ],
    });
    const id = await newOpportunity({ name: 'Bell deal', next_step: 'send terms' }, rep.api);
    expect((await rep.api('PATCH', `/api/v1/records/opportunity/${id}`, { stage: 'negotiation' })).status).toBe(200);
    const [run] = await settled('bell', 1);
    expect(run.status).toBe('succeeded');
    const mine = (await rep.api('GET', '/api/v1/notifications')).body;
    // The rep is the owner and named by id: one notification, not two.
    expect(mine.unread).toBe(1);
    expect(mine.data).toEqual([
      expect.objectContaining({
        title: 'Bell deal is in negotiation',
        body: 'Next step: send terms',
        object: 'opportunity',
        recordId: id,
        runId: run.id,
        readAt: null,
      }),
    ]);
    expect((await manager.api('GET', '/api/v1/notifications')).body.unread).toBe(1);
    expect((await t.api('GET', '/api/v1/notifications')).body.data.some((n: any) => n.recordId === id)).toBe(false);

    // Each reads and marks only their own.
    const notification = mine.data[0].id;
    expect((await manager.api('POST', `/api/v1/notifications/${notification}/read`)).status).toBe(404);
    expect((await rep.api('POST', `/api/v1/notifications/${notification}/read`)).status).toBe(204);
    expect((await rep.api('GET', '/api/v1/notifications?unread=true')).body).toEqual({ data: [], unread: 0 });
    expect((await manager.api('POST', '/api/v1/notifications/read')).body).toEqual({ marked: 1 });
    expect((await manager.api('GET', '/api/v1/notifications')).body.unread).toBe(0);
    expect((await rep.api('GET', '/api/v1/notifications?limit=0')).status).toBe(400);
    await unpublish('bell');
  });
});

describe('e-mail', () => {
  it('sends through the SMTP server with merged fields, to an address, an email field and the owner', async () => {
    await publishWorkflow({
      apiName: 'welcome',
      label: 'Welcome',
      object: 'contact',
      trigger: { on: 'create' },
      condition: { '!!': [{ var: 'email' }] },
      actions: [
        {
          type: 'email',
          to: [{ field: 'email' }, { owner: true }, { address: 'sales@example.com' }],
          subject: 'Welcome {{first_name}} {{last_name}}',
          body: 'Hello {{first_name}}, your title is {{title}}.',
          html: '<p>Hello <b>{{last_name}}</b></p>',
        },
      ],
    });
    await t.api('POST', '/api/v1/records/contact', { last_name: 'No mail' });
    const res = await t.api('POST', '/api/v1/records/contact', {
      first_name: 'Ada',
      last_name: '<script>x</script>',
      email: 'ada@example.com',
      title: 'Countess',
    });
    expect(res.status).toBe(201);
    const [run] = await settled('welcome', 1);
    await drained();
    expect(await runsOf('welcome')).toHaveLength(1);
    expect(run.status).toBe('succeeded');
    await waitFor(() => Promise.resolve(mails.length ? true : undefined), 'the e-mail');
    const [mail] = mails;
    expect(mail!.to.sort()).toEqual(['ada@example.com', 'admin@example.test', 'sales@example.com'].sort());
    expect(mail!.raw).toContain('Subject: Welcome Ada <script>x</script>');
    expect(mail!.raw).toContain('Hello Ada, your title is Countess.');
    expect(mail!.raw).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(mail!.raw).toContain(`Message-ID: <${run.id}.0@tessera.invalid>`);
    await unpublish('welcome');
  });
});

describe('the runs API', () => {
  it('is for admins, with checked parameters', async () => {
    const rep = await createUser(t, { name: 'Runs rep', permissionSets: ['sales_user'] });
    const res = await rep.api('GET', '/api/v1/automation/runs');
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    for (const [query, field] of [
      ['status=done', 'status'],
      ['limit=0', 'limit'],
      ['record=x', 'record'],
      ['workflow=Bad-Name', 'workflow'],
      ['status=failed&status=queued', 'status'],
    ]) {
      const bad = await t.api('GET', `/api/v1/automation/runs?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body.errors[0].field).toBe(field);
    }
    expect((await t.api('GET', '/api/v1/automation/runs/00000000-0000-7000-8000-000000000000')).status).toBe(404);
  });
});
