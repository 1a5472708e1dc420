import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpus, startTestEngine, type TestEngine } from './support/test-engine.js';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

const object = (extra: Record<string, unknown>) => ({
  apiName: 'ruled_thing',
  label: 'Thing',
  pluralLabel: 'Things',
  nameField: 'name',
  fields: [
    { apiName: 'name', type: 'text', label: 'Name' },
    { apiName: 'amount', type: 'number', label: 'Amount' },
  ],
  ...extra,
});

describe('hostile json-logic is refused when saved', () => {
  const cases = corpus('json-logic.txt').map((line) => JSON.parse(line) as unknown);

  it('reads the corpus', () => {
    expect(cases.length).toBeGreaterThanOrEqual(7);
  });

  it('as a validation rule condition', async () => {
    for (const condition of cases) {
      const res = await t.api(
        'POST',
        '/api/v1/meta/objects',
        object({ validationRules: [{ apiName: 'hostile', condition, message: 'no' }] }),
      );
      expect(res.status, JSON.stringify(condition)).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors[0].field, JSON.stringify(condition)).toMatch(/^\/validationRules\/0\/condition/);
    }
    expect((await t.api('GET', '/api/v1/meta/objects/ruled_thing')).status).toBe(404);
  });

  it('as a formula expression', async () => {
    for (const expression of cases) {
      const res = await t.api('POST', '/api/v1/meta/objects', object({}));
      if (res.status === 201) await t.api('DELETE', '/api/v1/meta/objects/ruled_thing');
      const bad = await t.api(
        'POST',
        '/api/v1/meta/objects',
        object({
          fields: [
            { apiName: 'name', type: 'text', label: 'Name' },
            { apiName: 'f', type: 'formula', label: 'F', returnType: 'boolean', expression },
          ],
        }),
      );
      expect(bad.status, JSON.stringify(expression)).toBe(422);
      expect(bad.body.errors[0].field, JSON.stringify(expression)).toMatch(/^\/fields\/1\/expression/);
    }
    expect((await t.api('GET', '/api/v1/meta/objects/ruled_thing')).status).toBe(404);
  });

  it('leaves Object.prototype untouched after evaluating rules', async () => {
    const ok = await t.api(
      'POST',
      '/api/v1/meta/objects',
      object({
        validationRules: [
          {
            apiName: 'positive',
            errorField: 'amount',
            condition: { '<': [{ var: 'amount' }, 0] },
            message: { en: 'must be positive', 'zh-CN': '必须为正数' },
          },
        ],
      }),
    );
    expect(ok.status).toBe(201);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    const res = await t.api(
      'POST',
      '/api/v1/records/ruled_thing',
      { name: 'x', amount: -1 },
      { 'accept-language': 'zh-CN,zh;q=0.9' },
    );
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({
      field: 'amount',
      code: 'validationRule',
      rule: 'positive',
      message: '必须为正数',
    });
    // the engine runs in this process, so a polluted prototype would show here
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
