import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { waitFor } from './support/security.js';
import {
  drained,
  mails,
  newOpportunity,
  publishWorkflow,
  receiver,
  runsOf,
  settled,
  t,
  unpublish,
  useWorkflowEngine,
} from './support/workflows.js';

/** Actions that reach outside: webhooks (SSRF guard, signatures, retries, replay) and e-mail through SMTP. */

useWorkflowEngine({ smtp: true });

describe('webhook URLs', () => {
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
    // Sending a delivered message again (the receiver lost it): taken, kept as a replay.
    const replay = await t.api('POST', `/api/v1/automation/runs/${run.id}/steps/0/replay`);
    expect(replay.body).toEqual({ step: 0, ok: true });
    expect(r.got).toHaveLength(3);
    expect(r.got[2]!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    const after = await t.api('GET', `/api/v1/automation/runs/${run.id}`);
    expect(after.body.steps.map((s: any) => s.status)).toEqual(['failed', 'succeeded', 'replayed']);
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
      [2, 'replayed'],
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
