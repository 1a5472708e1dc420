import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectProblem, publish, waitFor, type TestUser } from './support/security.js';
import { expectPurgeRefusedWhileReferenced, expectSeedFailureLeavesNothing } from './support/packs.js';
import { startTestEngine, type ApiResponse, type TestEngine } from './support/test-engine.js';

/**
 * Issue 14 point 5: the financial-services pack (plugins/financial-services) installed through the
 * packs API into a fresh tenant. Every item it brings must pass the engine's own checks; advisors
 * see only their own clients (private sharing) while the role above sees the team's; a KYC check is
 * approved in two steps (the advisor's lead, then compliance); the upgrade to the v2 fixture keeps
 * the admin's customisations; uninstall and reinstall keep the records.
 */

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const V1 = path.join(repoRoot, 'plugins/financial-services');
const V2 = path.join(repoRoot, 'engine/test/fixtures/packs/financial-services-v2');
const NAME = 'financial-services';

let t: TestEngine;
let dir: string;
let advisor: TestUser;
let otherAdvisor: TestUser;
let senior: TestUser;
let compliance: TestUser;
let clientId: string;
let accountId: string;
let approvedCheck: string;
let approvedClient: string;

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const manifest = readJson(path.join(V1, 'pack.json'));
/** The pack's items by the meta API path that serves them, read from the pack's own files. */
const KINDS: [string, string][] = [
  ['objects', 'objects'],
  ['layouts', 'layouts'],
  ['listViews', 'list-views'],
  ['dashboards', 'dashboards'],
  ['roles', 'roles'],
  ['permissionSets', 'permission-sets'],
  ['workflows', 'workflows'],
  ['approvalProcesses', 'approval-processes'],
];
const items = KINDS.flatMap(([key, route]) =>
  (manifest[key] as string[]).map((file) => ({ route, apiName: readJson(path.join(V1, file)).apiName as string })),
);

const step = (what: string, query = '', body?: unknown) => t.api('POST', `/api/v1/packs/${NAME}/${what}${query}`, body);
const created = (res: ApiResponse) => {
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
};
/**
 * The runs `workflow` started for `recordId` at the scheduler's time `at`, once all have
 * finished. The pass is asked for again until the run is there, as the engine's own timer would:
 * a pass that failed on a busy machine (it logs and leaves its marks) is worked out again, and
 * its claims keep a record from firing twice. The seeded records' runs are not waited for.
 */
const dueRuns = async (workflow: string, recordId: string, at: string) => {
  let last: unknown[] = [];
  try {
    return await waitFor(
      async () => {
        const { runs } = (await t.api('GET', `/api/v1/automation/runs?workflow=${workflow}&limit=200`)).body as {
          runs: { status: string; recordId: string }[];
        };
        const mine = runs.filter((r) => r.recordId === recordId);
        last = mine;
        if (!mine.length) await t.engine.automation.schedule(new Date(at));
        return mine.length && mine.every((r) => r.status === 'succeeded' || r.status === 'failed') ? mine : undefined;
      },
      `the runs of ${workflow}`,
      // A loaded CI machine has taken over 150 s (retries back off up to a minute); twice this
      // fits the test's own limit below.
      280_000,
    );
  } catch (e) {
    // What was there when it gave up: the record's runs, the record's own runs of every workflow, the marks.
    const marks = await t.sql('select workflow_id, key, due_at from ??._automation_fired order by 1, 2', [t.schema]);
    const all = await t.sql(
      'select workflow, status, attempts, error, created_at from ??._automation_runs where record_id = ? order by created_at',
      [t.schema, recordId],
    );
    throw new Error(
      `${(e as Error).message}; its runs: ${JSON.stringify(last)}; the record's runs: ${JSON.stringify(all)}; marks: ${JSON.stringify(marks)}`,
    );
  }
};
const names = (res: ApiResponse) => (res.body.data as { name: string }[]).map((r) => r.name).sort();
/** Writes a pack version into the temporary packs folder under the pack's name. */
const putPack = (from: string) => {
  fs.rmSync(path.join(dir, NAME), { recursive: true, force: true });
  fs.cpSync(from, path.join(dir, NAME), { recursive: true });
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-fs-pack-'));
  putPack(V1);
  t = await startTestEngine({ packsDir: dir });
});
afterAll(async () => {
  await t?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('installing the financial-services pack', () => {
  it('is listed with its label, and its dry run plans every item', async () => {
    const listed = (await t.api('GET', '/api/v1/packs')).body.data.find((p: { name: string }) => p.name === NAME);
    expect(listed).toMatchObject({
      namespace: 'fs',
      available: '1.0.0',
      label: { en: 'Financial services', 'zh-CN': '金融服务' },
    });
    expect(listed.problem).toBeUndefined();
    const plan = await step('install', '?dryRun=true');
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body).toMatchObject({ dryRun: true, step: 'install', from: null, to: '1.0.0', conflicts: [] });
    const planned = plan.body.items.map((i: { apiName: string; action: string }) => `${i.apiName}:${i.action}`);
    expect(planned).toEqual(expect.arrayContaining(items.map((i) => `${i.apiName}:add`)));
  });

  it('installs nothing when a seed record is refused after its tables are written', async () => {
    await expectSeedFailureLeavesNothing(t, step, path.join(dir, NAME), 'seed/compliance-reviews.json', (r) => {
      r.due_date = 'not a date';
    });
  });

  it('installs, and every item is there afterwards', async () => {
    const installed = await step('install');
    expect(installed.status, JSON.stringify(installed.body)).toBe(201);
    for (const { route, apiName } of items) {
      const res = await t.api('GET', `/api/v1/meta/${route}/${apiName}`);
      expect(res.status, `${route}/${apiName}`).toBe(200);
    }
    const approval = (await t.api('GET', '/api/v1/meta/approval-processes/fs_kyc_approval')).body;
    expect(approval.steps.map((s: { name: string; approver: unknown }) => [s.name, s.approver])).toEqual([
      ['advisor_lead', { submitterManager: true }],
      ['compliance', { role: 'fs_compliance_officer' }],
    ]);
    const board = (await t.api('GET', '/api/v1/meta/list-views/fs_kyc_board')).body;
    expect(board.kanban).toEqual({ groupBy: 'status' });
    const expiry = (await t.api('GET', '/api/v1/meta/workflows/fs_kyc_expired')).body;
    expect(expiry.trigger).toMatchObject({ relativeTo: 'document_expiry_date' });
    const client = (await t.api('GET', '/api/v1/meta/objects/fs_client')).body;
    expect(client.sharing.default).toBe('private');
    expect(client.label).toEqual({ en: 'Client', 'zh-CN': '客户' });
  });

  it('makes every object work: a client, its KYC check, account, holding and review', async () => {
    clientId = created(
      await t.api('POST', '/api/v1/records/fs_client', {
        name: 'Ada Admin-Client',
        client_type: 'individual',
        date_of_birth: '1980-02-02',
        risk_profile: 'balanced',
      }),
    );
    created(
      await t.api('POST', '/api/v1/records/fs_kyc_check', {
        client: clientId,
        check_type: 'identity',
        document_number: 'P123',
        document_expiry_date: '2035-01-01',
      }),
    );
    accountId = created(
      await t.api('POST', '/api/v1/records/fs_financial_account', {
        client: clientId,
        account_number: 'BRK-1',
        account_type: 'brokerage',
        balance: { amount: 1000, currency: 'EUR' },
      }),
    );
    const holding = created(
      await t.api('POST', '/api/v1/records/fs_holding', {
        account: accountId,
        symbol: 'ACME',
        quantity: 10,
        price: 12.5,
      }),
    );
    expect(Number((await t.api('GET', `/api/v1/records/fs_holding/${holding}`)).body.market_value)).toBe(125);
    const account = (await t.api('GET', `/api/v1/records/fs_financial_account/${accountId}`)).body;
    expect([Number(account.balance), account.balance__currency]).toEqual([1000, 'EUR']);
    created(
      await t.api('POST', '/api/v1/records/fs_compliance_review', {
        client: clientId,
        due_date: '2027-01-31',
        status: 'scheduled',
      }),
    );
    const reloaded = (await t.api('GET', `/api/v1/records/fs_client/${clientId}`)).body;
    expect(reloaded.kyc_status).toBe('pending');
  });

  it('refuses records its validation rules forbid, naming the rule', async () => {
    const cases: [string, Record<string, unknown>, string, string][] = [
      ['fs_client', { name: 'Future', date_of_birth: '2999-01-01' }, 'date_of_birth', 'birth_date_in_past'],
      [
        'fs_financial_account',
        {
          client: clientId,
          account_number: 'NEG-1',
          account_type: 'checking',
          balance: { amount: -5, currency: 'EUR' },
        },
        'balance',
        'balance_not_negative',
      ],
      [
        'fs_kyc_check',
        { client: clientId, check_type: 'identity', document_expiry_date: '2001-01-01' },
        'document_expiry_date',
        'document_not_expired',
      ],
      [
        'fs_holding',
        { account: accountId, symbol: 'SHORT', quantity: -1, price: 1 },
        'quantity',
        'quantity_not_negative',
      ],
    ];
    for (const [object, body, field, rule] of cases) {
      const res = await t.api('POST', `/api/v1/records/${object}`, body);
      expectProblem(res, 422, [{ field, code: 'validationRule' }]);
      expect(res.body.errors[0]).toMatchObject({ rule });
    }
  });
});

describe('advisors, their leads and compliance', () => {
  beforeAll(async () => {
    advisor = await createUser(t, { name: 'Advisor One', role: 'fs_advisor', permissionSets: ['fs_advisor_user'] });
    otherAdvisor = await createUser(t, {
      name: 'Advisor Two',
      role: 'fs_advisor',
      permissionSets: ['fs_advisor_user'],
    });
    senior = await createUser(t, {
      name: 'Senior Advisor',
      role: 'fs_senior_advisor',
      permissionSets: ['fs_advisor_user'],
    });
    compliance = await createUser(t, {
      name: 'Compliance Officer',
      role: 'fs_compliance_officer',
      permissionSets: ['fs_compliance_user'],
    });
  });

  it("an advisor sees their own clients and not another advisor's; the senior advisor above sees both", async () => {
    const mine = created(await advisor.api('POST', '/api/v1/records/fs_client', { name: 'Mine Client' }));
    const theirs = created(await otherAdvisor.api('POST', '/api/v1/records/fs_client', { name: 'Theirs Client' }));
    expect(names(await advisor.api('GET', '/api/v1/records/fs_client'))).toEqual(['Mine Client']);
    expect(names(await otherAdvisor.api('GET', '/api/v1/records/fs_client'))).toEqual(['Theirs Client']);
    expect((await advisor.api('GET', `/api/v1/records/fs_client/${theirs}`)).status).toBe(404);
    expect(names(await senior.api('GET', '/api/v1/records/fs_client'))).toEqual(['Mine Client', 'Theirs Client']);
    expect((await senior.api('PATCH', `/api/v1/records/fs_client/${mine}`, { segment: 'mass_affluent' })).status).toBe(
      200,
    );
    // Compliance sees every client (viewAll) but does not edit or create them.
    expect(names(await compliance.api('GET', '/api/v1/records/fs_client'))).toEqual(
      expect.arrayContaining(['Mine Client', 'Theirs Client', 'Ada Admin-Client']),
    );
    expect(
      (await compliance.api('PATCH', `/api/v1/records/fs_client/${mine}`, { segment: 'institutional' })).status,
    ).not.toBe(200);
    expectProblem(await compliance.api('POST', '/api/v1/records/fs_client', { name: 'Nope' }), 403);
  });

  it('schedules a compliance review for a client given the aggressive risk profile; advisors cannot set KYC status', async () => {
    const client = created(
      await advisor.api('POST', '/api/v1/records/fs_client', { name: 'Bold Client', risk_profile: 'aggressive' }),
    );
    const review = await waitFor(async () => {
      const { data } = (await advisor.api('GET', '/api/v1/records/fs_compliance_review')).body;
      return (data as { client: string; status: string }[]).find((r) => r.client === client);
    }, 'the review of an aggressive client');
    expect(review.status).toBe('scheduled');
    const selfApproved = await advisor.api('PATCH', `/api/v1/records/fs_client/${client}`, { kyc_status: 'approved' });
    expect(selfApproved.status).toBeGreaterThanOrEqual(400);
    expect((await t.api('GET', `/api/v1/records/fs_client/${client}`)).body.kyc_status).toBe('pending');
  });

  it('requires a rejection reason when a KYC check is rejected (a layout rule)', async () => {
    const client = created(await advisor.api('POST', '/api/v1/records/fs_client', { name: 'Layout Rule Client' }));
    const check = created(await advisor.api('POST', '/api/v1/records/fs_kyc_check', { client, check_type: 'address' }));
    const refused = await advisor.api('PATCH', `/api/v1/records/fs_kyc_check/${check}`, { status: 'rejected' });
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.errors.map((e: { field: string; code: string }) => [e.field, e.code])).toContainEqual([
      'rejection_reason',
      'required',
    ]);
    const ok = await advisor.api('PATCH', `/api/v1/records/fs_kyc_check/${check}`, {
      status: 'rejected',
      rejection_reason: 'Blurred scan',
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });

  it("approves a KYC check in two steps — the advisor's lead, then compliance — and the client follows", async () => {
    const client = created(
      await advisor.api('POST', '/api/v1/records/fs_client', {
        name: 'Approval Client',
        client_type: 'individual',
        date_of_birth: '1970-05-05',
      }),
    );
    const check = created(
      await advisor.api('POST', '/api/v1/records/fs_kyc_check', {
        client,
        check_type: 'identity',
        document_number: 'ID-42',
        document_expiry_date: '2036-05-05',
      }),
    );
    const submitted = await advisor.api('POST', `/api/v1/records/fs_kyc_check/${check}/approval`, {});
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    expect(submitted.body).toMatchObject({ process: 'fs_kyc_approval', status: 'pending', stepName: 'advisor_lead' });

    const taskOf = (user: TestUser) =>
      waitFor(async () => {
        const { data } = (await user.api('GET', '/api/v1/approvals/mine')).body;
        return (data as { id: string; approval: { recordId: string } }[]).find((x) => x.approval.recordId === check);
      }, 'an approval task');
    // Compliance is not asked before the lead has approved.
    const first = await taskOf(senior);
    expect(
      (await compliance.api('GET', '/api/v1/approvals/mine')).body.data.some(
        (x: { approval: { recordId: string } }) => x.approval.recordId === check,
      ),
    ).toBe(false);
    const leadApproved = await senior.api('POST', `/api/v1/approvals/${first.id}/decision`, { decision: 'approve' });
    expect(leadApproved.status, JSON.stringify(leadApproved.body)).toBe(200);
    const second = await taskOf(compliance);
    const approved = await compliance.api('POST', `/api/v1/approvals/${second.id}/decision`, { decision: 'approve' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);

    await waitFor(async () => {
      const record = (await t.api('GET', `/api/v1/records/fs_kyc_check/${check}`)).body;
      return record.status === 'approved' ? record : undefined;
    }, 'the check approved');
    await waitFor(async () => {
      const record = (await t.api('GET', `/api/v1/records/fs_client/${client}`)).body;
      return record.kyc_status === 'approved' ? record : undefined;
    }, 'the client approved');
    approvedCheck = check;
    approvedClient = client;
  });

  it('reminds the advisor 30 days before the document expires, and expires check and client on the day', async () => {
    // The scheduler's clock is driven by hand: first seen well before, then the two due times.
    const at = (iso: string) => t.engine.automation.schedule(new Date(iso));
    await waitFor(async () => {
      await at('2036-03-01T00:00:00Z');
      const [{ n }] = await t.sql(
        `select count(*)::int as n from ??._automation_fired where key = 'seen' and due_at >= ? and workflow_id in (?, ?)`,
        [t.schema, '2036-03-01T00:00:00Z', 'fs.wf.kyc_expiry_reminder', 'fs.wf.kyc_expired'],
      );
      return n === 2 || undefined;
    }, 'both expiry workflows seen');
    const [reminder] = await dueRuns('fs_kyc_expiry_reminder', approvedCheck, '2036-04-05T00:00:01Z');
    expect(reminder).toMatchObject({ status: 'succeeded', recordId: approvedCheck, event: 'scheduled' });
    const { data } = (await advisor.api('GET', '/api/v1/notifications')).body;
    expect((data as { title: string }[]).map((n) => n.title)).toContain('KYC document ID-42 expires on 2036-05-05');
    expect((await t.api('GET', `/api/v1/records/fs_kyc_check/${approvedCheck}`)).body.status).toBe('approved');
    expect((await dueRuns('fs_kyc_expired', approvedCheck, '2036-05-05T00:00:01Z'))[0]).toMatchObject({
      status: 'succeeded',
      recordId: approvedCheck,
    });
    await waitFor(async () => {
      const record = (await t.api('GET', `/api/v1/records/fs_kyc_check/${approvedCheck}`)).body;
      return record.status === 'expired' ? record : undefined;
    }, 'the check expired');
    await waitFor(async () => {
      const record = (await t.api('GET', `/api/v1/records/fs_client/${approvedClient}`)).body;
      return record.kyc_status === 'expired' ? record : undefined;
    }, 'the client expired');
  }, 620_000);
});

describe('upgrading to version 2, uninstalling and reinstalling', () => {
  it("keeps the admin's customisation and lands version 2's additions", async () => {
    const client = (await t.api('GET', '/api/v1/meta/objects/fs_client')).body;
    client.fields.find((f: { apiName: string }) => f.apiName === 'national_id').label = {
      en: 'Tax ID',
      'zh-CN': '税号',
    };
    client.fields.push({ apiName: 'hobby', type: 'text', label: { en: 'Hobby', 'zh-CN': '爱好' } });
    expect((await t.api('PUT', '/api/v1/meta/objects/fs_client', client)).status).toBe(200);
    await publish(t, {});

    putPack(V2);
    const plan = await step('upgrade', '?dryRun=true');
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body).toMatchObject({ from: '1.0.0', to: '2.0.0' });
    const resolutions = Object.fromEntries(
      (plan.body.conflicts as { key: string }[]).map((c) => [c.key, 'keepMine' as const]),
    );
    const upgraded = await step('upgrade', '', { resolutions });
    expect(upgraded.status, JSON.stringify(upgraded.body)).toBe(201);

    const after = (await t.api('GET', '/api/v1/meta/objects/fs_client')).body;
    const fields = Object.fromEntries(after.fields.map((f: { apiName: string }) => [f.apiName, f]));
    expect(fields.national_id.label).toEqual({ en: 'Tax ID', 'zh-CN': '税号' });
    expect(fields.hobby).toBeDefined();
    expect(fields.preferred_language).toBeDefined();
    expect(fields.segment.values.map((v: { value: string }) => v.value)).toContain('private_banking');
    expect((await t.api('GET', '/api/v1/meta/objects/fs_holding')).body.label).toEqual({
      en: 'Position',
      'zh-CN': '头寸',
    });
    expect((await t.api('GET', '/api/v1/meta/list-views/fs_client_high_risk')).status).toBe(200);
    expect(names(await t.api('GET', '/api/v1/records/fs_client'))).toContain('Ada Admin-Client');
    const set = await t.api('PATCH', `/api/v1/records/fs_client/${clientId}`, { preferred_language: 'zh' });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
  });

  it("refuses a purge while the admin's own metadata names its objects", async () => {
    await expectPurgeRefusedWhileReferenced(t, step, 'fs_client');
  });

  it('uninstalls keeping the data, and a reinstall brings records and customisations back', async () => {
    expectProblem(await step('uninstall'), 409);
    const gone = await step('uninstall', '?confirmLossy=true');
    expect(gone.status, JSON.stringify(gone.body)).toBe(201);
    expect((await t.api('GET', '/api/v1/records/fs_client')).status).toBe(404);

    const back = await step('install');
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    const record = (await t.api('GET', `/api/v1/records/fs_client/${clientId}`)).body;
    expect(record).toMatchObject({ name: 'Ada Admin-Client', preferred_language: 'zh' });
    const client = (await t.api('GET', '/api/v1/meta/objects/fs_client')).body;
    expect(client.fields.map((f: { apiName: string }) => f.apiName)).toContain('hobby');
    expect(names(await advisor.api('GET', '/api/v1/records/fs_client'))).toEqual(
      expect.arrayContaining(['Mine Client']),
    );
  });
});
