import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

const layoutFields = (layout: { highlights?: string[]; sections: { fields: string[] }[] }) => [
  ...(layout.highlights ?? []),
  ...layout.sections.flatMap((s) => s.fields),
];

describe('editing the draft', () => {
  it('lists the core pack objects, layouts and list views', async () => {
    const objects = (await t.api('GET', '/api/v1/meta/objects')).body.data.map((o: { apiName: string }) => o.apiName);
    expect(objects).toEqual(
      expect.arrayContaining(['account', 'contact', 'lead', 'opportunity', 'activity', 'support_case', 'product']),
    );
    expect((await t.api('GET', '/api/v1/meta/layouts?object=account')).body.data).toHaveLength(1);
    expect((await t.api('GET', '/api/v1/meta/list-views?object=opportunity')).body.data.length).toBeGreaterThanOrEqual(
      2,
    );
  });

  it('renames a field everywhere it is named, and publishes it as a column rename', async () => {
    const opp = (await t.api('GET', '/api/v1/meta/objects/opportunity')).body;
    const created = await t.api('POST', '/api/v1/records/opportunity', {
      name: 'Rename me',
      close_date: '2027-01-01',
      amount: 990,
    });
    expect(created.status).toBe(201);
    opp.fields = opp.fields.map((f: { apiName: string }) =>
      f.apiName === 'amount' ? { ...f, apiName: 'deal_value' } : f,
    );
    opp.validationRules = opp.validationRules.map((r: { condition: unknown; errorField?: string }) => ({
      ...r,
      condition: JSON.parse(JSON.stringify(r.condition).replaceAll('"amount"', '"deal_value"')),
      ...(r.errorField === 'amount' ? { errorField: 'deal_value' } : {}),
    }));
    expect((await t.api('PUT', '/api/v1/meta/objects/opportunity', opp)).status).toBe(200);

    const layout = (await t.api('GET', '/api/v1/meta/layouts?object=opportunity')).body.data[0];
    expect(layoutFields(layout)).toContain('deal_value');
    expect(layoutFields(layout)).not.toContain('amount');
    const views = (await t.api('GET', '/api/v1/meta/list-views?object=opportunity')).body.data;
    expect(views.some((v: { columns: string[] }) => v.columns.includes('deal_value'))).toBe(true);
    expect(
      views.every(
        (v: { columns: string[]; sort?: string }) =>
          !v.columns.includes('amount') && !(v.sort ?? '').includes('amount'),
      ),
    ).toBe(true);

    const published = await t.api('POST', '/api/v1/meta/publish');
    expect(published.status).toBe(201);
    // the amount and its currency code: both columns follow the field
    expect(published.body.plan.map((s: { op: string; column: string }) => `${s.op} ${s.column}`)).toEqual([
      'renameColumn deal_value',
      'renameColumn deal_value__currency',
    ]);
    expect((await t.api('GET', `/api/v1/records/opportunity/${created.body.id}`)).body.deal_value).toBe(990);
  });

  it('deletes a field from its layouts and list views too, so the draft stays publishable', async () => {
    const account = (await t.api('GET', '/api/v1/meta/objects/account')).body;
    account.fields = account.fields.filter((f: { apiName: string }) => f.apiName !== 'rating');
    expect((await t.api('PUT', '/api/v1/meta/objects/account', account)).status).toBe(200);
    const layout = (await t.api('GET', '/api/v1/meta/layouts?object=account')).body.data[0];
    expect(layoutFields(layout)).not.toContain('rating');
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
  });

  it('refuses to delete an object other objects point at, and deletes one nobody uses', async () => {
    const refused = await t.api('DELETE', '/api/v1/meta/objects/account');
    expect(refused.status).toBe(409);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain('contact.account');
    expect((await t.api('GET', '/api/v1/meta/objects/account')).status).toBe(200);

    expect((await t.api('DELETE', '/api/v1/meta/objects/product')).status).toBe(204);
    expect((await t.api('GET', '/api/v1/meta/layouts?object=product')).body.data).toEqual([]);
    const published = await t.api('POST', '/api/v1/meta/publish');
    expect(published.status).toBe(201);
    expect(published.body.plan.map((s: { op: string }) => s.op)).toContain('archiveTable');
  });

  it('refuses a duplicate object name and a lookup to an object that does not exist', async () => {
    const dup = await t.api('POST', '/api/v1/meta/objects', {
      apiName: 'account',
      label: 'A',
      pluralLabel: 'As',
      nameField: 'n',
      fields: [{ apiName: 'n', type: 'text', label: 'N' }],
    });
    expect(dup.status).toBe(409);
    const dangling = await t.api('POST', '/api/v1/meta/objects', {
      apiName: 'orphan',
      label: 'O',
      pluralLabel: 'Os',
      nameField: 'n',
      fields: [
        { apiName: 'n', type: 'text', label: 'N' },
        { apiName: 'parent', type: 'lookup', label: 'P', target: 'nowhere' },
      ],
    });
    expect(dangling.status).toBe(422);
    expect(dangling.body.errors).toEqual([expect.objectContaining({ field: '/fields/1/target', code: 'reference' })]);
    expect((await t.api('GET', '/api/v1/meta/objects/orphan')).status).toBe(404);
  });

  it('refuses a validation rule that uses a forbidden operation or an unknown field', async () => {
    const base = {
      apiName: 'ruled',
      label: 'R',
      pluralLabel: 'Rs',
      nameField: 'n',
      fields: [{ apiName: 'n', type: 'text', label: 'N' }],
    };
    const method = await t.api('POST', '/api/v1/meta/objects', {
      ...base,
      validationRules: [{ apiName: 'evil', condition: { method: [{ var: 'n' }, 'toString'] }, message: 'x' }],
    });
    expect(method.status).toBe(422);
    expect(method.body.errors[0]).toMatchObject({
      field: '/validationRules/0/condition',
      code: 'logic',
      message: expect.stringContaining('"method"'),
    });
    const unknown = await t.api('POST', '/api/v1/meta/objects', {
      ...base,
      validationRules: [{ apiName: 'ghost', condition: { '>': [{ var: 'missing_field' }, 1] }, message: 'x' }],
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0]).toMatchObject({ field: '/validationRules/0/condition', code: 'reference' });
  });
});

describe('renaming a field that rules, formulas and rollups read', () => {
  const child = {
    apiName: 'rn_child',
    label: 'Line',
    pluralLabel: 'Lines',
    nameField: 'name',
    fields: [
      { apiName: 'name', type: 'text', label: 'Name' },
      { apiName: 'qty', type: 'integer', label: 'Quantity' },
      { apiName: 'parent', type: 'lookup', label: 'Order', target: 'rn_parent' },
      {
        apiName: 'double_qty',
        type: 'formula',
        label: 'Twice',
        returnType: 'number',
        expression: { '*': [{ var: 'qty' }, 2] },
      },
      { apiName: 'note', type: 'text', label: 'Note', default: { formula: { cat: ['Qty ', { var: 'qty' }] } } },
    ],
    validationRules: [
      {
        apiName: 'no_negative',
        condition: { '<': [{ var: 'qty' }, 0] },
        errorField: 'qty',
        message: { en: 'No negative quantities' },
      },
    ],
  };
  const parent = {
    apiName: 'rn_parent',
    label: 'Order',
    pluralLabel: 'Orders',
    nameField: 'name',
    fields: [
      { apiName: 'name', type: 'text', label: 'Name' },
      {
        apiName: 'total',
        type: 'rollup',
        label: 'Total',
        child: 'rn_child',
        relationField: 'parent',
        aggregate: 'sum',
        field: 'qty',
        filter: { qty: { gt: 0 } },
      },
    ],
  };

  it('renames it in one step, as the admin changed only the field: the object, its rules and the rollups over it follow', async () => {
    expect((await t.api('POST', '/api/v1/meta/objects', { ...parent, fields: parent.fields.slice(0, 1) })).status).toBe(
      201,
    );
    expect((await t.api('POST', '/api/v1/meta/objects', child)).status).toBe(201);
    expect((await t.api('PUT', '/api/v1/meta/objects/rn_parent', parent)).status).toBe(200);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);

    const saved = (await t.api('GET', '/api/v1/meta/objects/rn_child')).body;
    saved.fields = saved.fields.map((f: { apiName: string }) =>
      f.apiName === 'qty' ? { ...f, apiName: 'quantity' } : f,
    );
    const renamed = await t.api('PUT', '/api/v1/meta/objects/rn_child', saved);
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);

    const now = (await t.api('GET', '/api/v1/meta/objects/rn_child')).body;
    const field = (name: string) => now.fields.find((f: { apiName: string }) => f.apiName === name);
    expect(field('double_qty').expression).toEqual({ '*': [{ var: 'quantity' }, 2] });
    expect(field('note').default).toEqual({ formula: { cat: ['Qty ', { var: 'quantity' }] } });
    expect(now.validationRules[0]).toMatchObject({
      condition: { '<': [{ var: 'quantity' }, 0] },
      errorField: 'quantity',
    });
    const total = (await t.api('GET', '/api/v1/meta/objects/rn_parent')).body.fields.find(
      (f: { apiName: string }) => f.apiName === 'total',
    );
    expect(total).toMatchObject({ field: 'quantity', filter: { quantity: { gt: 0 } }, relationField: 'parent' });

    const published = await t.api('POST', '/api/v1/meta/publish');
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    const order = (await t.api('POST', '/api/v1/records/rn_parent', { name: 'O-1' })).body.id as string;
    const line = await t.api('POST', '/api/v1/records/rn_child', { name: 'L-1', quantity: 3, parent: order });
    expect(line.status, JSON.stringify(line.body)).toBe(201);
    expect(line.body).toMatchObject({ quantity: 3, double_qty: 6, note: 'Qty 3' });
    expect((await t.api('GET', `/api/v1/records/rn_parent/${order}`)).body.total).toBe(3);
    const refused = await t.api('POST', '/api/v1/records/rn_child', { name: 'L-2', quantity: -1, parent: order });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ field: 'quantity', message: 'No negative quantities' }),
    ]);
  });
});
