import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

const statusOf = (path: string, headers: Record<string, string>) =>
  new Promise<number>((resolve, reject) => {
    http
      .get(t.url + path, { headers }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      })
      .on('error', reject);
  });

const widget = (over: Record<string, unknown>) => ({
  type: 'bar',
  label: 'W',
  object: 'opportunity',
  metric: 'count',
  groupBy: 'stage',
  ...over,
});
const dashboard = (apiName: string, widgets: unknown[]) => ({
  apiName,
  label: { en: 'Test', 'zh-CN': '测试' },
  widgets,
});

describe('dashboards as metadata', () => {
  it('ships the sales dashboard in the core pack, and every widget is an aggregate the API answers', async () => {
    const sales = await t.api('GET', '/api/v1/meta/dashboards/sales');
    expect(sales.status).toBe(200);
    expect(sales.body.widgets.map((w: { type: string }) => w.type)).toEqual(
      expect.arrayContaining(['metric', 'bar', 'line', 'pie', 'funnel']),
    );
    await t.api('POST', '/api/v1/records/opportunity', {
      name: 'Won deal',
      stage: 'closed_won',
      amount: 1200,
      close_date: new Date().toISOString().slice(0, 10),
    });
    for (const w of sales.body.widgets) {
      const period = w.dateField ? { [w.dateField]: { eq: sales.body.dateFilter.default } } : undefined;
      const filter = w.filter && period ? { and: [w.filter, period] } : (w.filter ?? period);
      const q = new URLSearchParams({
        metrics: w.metric,
        ...(w.groupBy ? { groupBy: w.groupBy } : {}),
        ...(filter ? { filter: JSON.stringify(filter) } : {}),
      });
      const res = await t.api('GET', `/api/v1/records/${w.object}/aggregate?${q}`);
      expect(res.status, w.id).toBe(200);
    }
    const won = sales.body.widgets.find((w: { id: string }) => w.id === 'core.dashboard.sales.won_quarter');
    const q = new URLSearchParams({ metrics: won.metric, filter: JSON.stringify(won.filter) });
    expect((await t.api('GET', `/api/v1/records/opportunity/aggregate?${q}`)).body.data[0]['sum:amount']).toBe(1200);
  });

  it('refuses widgets the aggregate API would refuse, naming each one, and writes nothing', async () => {
    const res = await t.api(
      'POST',
      '/api/v1/meta/dashboards',
      dashboard('broken', [
        widget({ object: 'no_such_object' }),
        widget({ metric: 'sum:name' }),
        widget({ type: 'pie', groupBy: undefined }),
        widget({ groupBy: 'stage:month' }),
        widget({ filter: { amount: { startsWith: 'x' } } }),
        widget({ type: 'metric', groupBy: undefined, dateField: 'name' }),
      ]),
    );
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual(
      expect.arrayContaining([
        ['/widgets/0/object', 'reference'],
        ['/widgets/1/metric', 'type'],
        ['/widgets/2/groupBy', 'required'],
        ['/widgets/3/groupBy', 'bucket'],
        ['/widgets/5/dateField', 'type'],
      ]),
    );
    expect(res.body.errors.some((e: { field: string }) => e.field.startsWith('/widgets/4/filter'))).toBe(true);
    expect((await t.api('GET', '/api/v1/meta/dashboards/broken')).status).toBe(404);
  });

  it('refuses a document that breaks the schema (unknown widget type, unknown property)', async () => {
    const res = await t.api('POST', '/api/v1/meta/dashboards', {
      ...dashboard('odd', [widget({ type: 'radar' })]),
      colour: 'red',
    });
    expect(res.status).toBe(422);
    expect(res.body.errors.length).toBeGreaterThan(0);
  });

  it('goes through draft → publish like every kind, and the runtime view serves the current release', async () => {
    const created = await t.api(
      'POST',
      '/api/v1/meta/dashboards',
      dashboard('service', [widget({ object: 'support_case', groupBy: 'status', type: 'pie' })]),
    );
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^dsh/);
    expect(created.body.widgets[0].id).toMatch(/^wdg/);

    const before = await t.api('GET', '/api/v1/meta/runtime');
    expect(before.body.dashboards.map((d: { apiName: string }) => d.apiName)).not.toContain('service');

    const published = await t.api('POST', '/api/v1/meta/publish');
    expect(published.status).toBe(201);
    expect(published.body.diff).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'dashboard', apiName: 'service', change: 'added' })]),
    );

    const after = await t.api('GET', '/api/v1/meta/runtime');
    expect(after.body.release).toBe(published.body.release);
    expect(after.body.dashboards.map((d: { apiName: string }) => d.apiName)).toEqual(
      expect.arrayContaining(['sales', 'service']),
    );
    // fetch() marks a request with If-None-Match as no-cache, so ask like a browser cache would.
    expect(
      await statusOf('/api/v1/meta/runtime', {
        'if-none-match': after.headers.get('etag')!,
        authorization: `Bearer ${t.token}`,
      }),
    ).toBe(304);

    expect((await t.api('DELETE', '/api/v1/meta/dashboards/service')).status).toBe(204);
    await t.api('POST', '/api/v1/meta/publish');
    expect(
      (await t.api('GET', '/api/v1/meta/runtime')).body.dashboards.map((d: { apiName: string }) => d.apiName),
    ).not.toContain('service');
  });

  it('gives the runtime UI each field with its operators, sorting and widget, and keeps server-only parts out', async () => {
    const view = (await t.api('GET', '/api/v1/meta/runtime')).body;
    const opp = view.objects.find((o: { apiName: string }) => o.apiName === 'opportunity');
    const stage = opp.fields.find((f: { apiName: string }) => f.apiName === 'stage');
    expect(stage).toMatchObject({
      type: 'picklist',
      isStage: true,
      sortable: true,
      readOnly: false,
      widget: 'picklist',
    });
    expect(stage.operators).toEqual(expect.arrayContaining(['eq', 'in', 'nin', 'isNull']));
    expect(opp.validationRules).toBeUndefined();
    expect(view.layouts.some((l: { object: string }) => l.object === 'opportunity')).toBe(true);
    expect(view.listViews.some((l: { object: string }) => l.object === 'opportunity')).toBe(true);
  });
});

describe('dashboards follow the objects they measure', () => {
  it('renames a field in widgets and drops the widgets of a deleted field, so the draft stays publishable', async () => {
    await t.api('POST', '/api/v1/meta/objects', {
      apiName: 'deal',
      label: 'Deal',
      pluralLabel: 'Deals',
      nameField: 'title',
      fields: [
        { id: 'deal.title', apiName: 'title', type: 'text', label: 'Title' },
        { id: 'deal.worth', apiName: 'worth', type: 'currency', label: 'Worth' },
        {
          id: 'deal.phase',
          apiName: 'phase',
          type: 'picklist',
          label: 'Phase',
          values: [{ value: 'open' }, { value: 'done' }],
        },
        { id: 'deal.signed', apiName: 'signed', type: 'date', label: 'Signed' },
      ],
    });
    expect(
      (
        await t.api(
          'POST',
          '/api/v1/meta/dashboards',
          dashboard('deals', [
            widget({
              object: 'deal',
              type: 'bar',
              metric: 'sum:worth',
              groupBy: 'phase',
              dateField: 'signed',
              filter: { phase: { ne: 'done' } },
            }),
            widget({ object: 'deal', type: 'line', metric: 'count', groupBy: 'signed:month' }),
          ]),
        )
      ).status,
    ).toBe(201);

    const deal = (await t.api('GET', '/api/v1/meta/objects/deal')).body;
    deal.fields = deal.fields.map((f: { apiName: string }) =>
      f.apiName === 'worth' ? { ...f, apiName: 'value' } : f.apiName === 'phase' ? { ...f, apiName: 'status' } : f,
    );
    expect((await t.api('PUT', '/api/v1/meta/objects/deal', deal)).status).toBe(200);
    let widgets = (await t.api('GET', '/api/v1/meta/dashboards/deals')).body.widgets;
    expect(widgets[0]).toMatchObject({
      metric: 'sum:value',
      groupBy: 'status',
      dateField: 'signed',
      filter: { status: { ne: 'done' } },
    });

    deal.fields = deal.fields.filter((f: { apiName: string }) => f.apiName !== 'signed');
    expect((await t.api('PUT', '/api/v1/meta/objects/deal', deal)).status).toBe(200);
    widgets = (await t.api('GET', '/api/v1/meta/dashboards/deals')).body.widgets;
    expect(widgets).toHaveLength(0);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);

    expect((await t.api('DELETE', '/api/v1/meta/objects/deal')).status).toBe(204);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
  });
});
