import { describe, expect, it } from 'vitest';
import fieldSchema from '../../../metadata/schemas/field.schema.json';
import { actionBranches, branchForm, stepBranch, triggerBranches } from '../automation/schema-branch';
import { en } from './en';
import { localizeSchema, schemaProperties, schemaText } from './schema-texts';
import { AUTOMATION_BRANCH_TEXTS_ZH, AUTOMATION_TEXTS_ZH, FIELD_SETTING_TEXTS_ZH } from './schema-texts.zh-CN';

type Schema = Record<string, unknown>;

/**
 * Each field type's settings as the engine declares them: field.schema.json is written from the
 * field-type modules and kept equal to them by engine/src/metadata/schemas.test.ts, and holds the
 * same settings GET /api/v1/meta/field-types answers.
 */
const typeSettings = (fieldSchema.allOf as Schema[]).map((branch) => {
  const type = (((branch.if as Schema).properties as Schema).type as Schema).const as string;
  return { type, settings: branch.then as Schema };
});

const branches = [...actionBranches(), ...triggerBranches(), stepBranch()];
const automationForms = branches.map((b) => branchForm(b, (n) => n));

describe('the Chinese texts of forms drawn from the engine’s schemas', () => {
  it('reads every field type that has settings', () => {
    expect(typeSettings.map((t) => t.type)).toEqual(expect.arrayContaining(['text', 'picklist', 'lookup', 'rollup']));
  });

  it('has a Chinese title for every setting of every field type, and its help where the engine gives one', () => {
    const missing: string[] = [];
    for (const { type, settings } of typeSettings)
      for (const { path, name, property } of schemaProperties(settings)) {
        const text = schemaText(FIELD_SETTING_TEXTS_ZH, type, name);
        if (!text.title) missing.push(`${type}${path}: title`);
        if (typeof property.description === 'string' && !text.description) missing.push(`${type}${path}: description`);
      }
    expect(missing).toEqual([]);
  });

  it('has an English title in the engine for every setting (no raw names such as "encrypted")', () => {
    const untitled = typeSettings.flatMap(({ type, settings }) =>
      Object.entries(settings.properties as Record<string, Schema>)
        .filter(([, p]) => typeof p.title !== 'string')
        .map(([name]) => `${type}.${name}`),
    );
    expect(untitled).toEqual([]);
  });

  it('has a Chinese title for every property of every trigger, action and approval step, and its help', () => {
    const missing: string[] = [];
    for (const form of automationForms)
      for (const { path, name, property } of schemaProperties(form.schema)) {
        const text = schemaText(AUTOMATION_TEXTS_ZH, form.context, name);
        if (!text.title) missing.push(`${form.context}${path}: title`);
        if (typeof property.description === 'string' && !text.description)
          missing.push(`${form.context}${path}: description`);
      }
    expect(missing).toEqual([]);
  });

  it('says in Chinese what every trigger, action and approval step does', () => {
    expect(branches.filter((b) => b.description && !AUTOMATION_BRANCH_TEXTS_ZH[b.key]).map((b) => b.key)).toEqual([]);
  });

  it('has an English title for every property the automation forms draw', () => {
    const names = automationForms.flatMap((f) => schemaProperties(f.schema as Schema).map((p) => p.name));
    expect(names.filter((n) => !(n in en.automation.prop))).toEqual([]);
  });

  it('replaces titles and help texts, nested ones too, keeping the rest of the schema', () => {
    const schema = {
      type: 'object',
      properties: {
        maxLength: { type: 'integer', default: 255, title: 'Maximum length', description: 'Longest (default 255).' },
        to: {
          type: 'array',
          items: { type: 'object', properties: { address: { type: 'string', description: 'An e-mail address.' } } },
        },
        plain: { type: 'string' },
      },
    };
    const texts = {
      maxLength: { title: '最大长度', description: '最长（默认 {default}）。' },
      address: { title: '地址', description: '地址说明' },
      'email.address': { description: '一个电子邮件地址。' },
      plain: { title: '纯文本', description: '不会添加' },
    };
    const out = localizeSchema(schema, texts, 'email');
    expect(out.properties.maxLength).toEqual({
      type: 'integer',
      default: 255,
      title: '最大长度',
      description: '最长（默认 255）。',
    });
    expect(out.properties.to.items.properties.address).toEqual({
      type: 'string',
      title: '地址',
      description: '一个电子邮件地址。',
    });
    expect(out.properties.plain).toEqual({ type: 'string', title: '纯文本' });
    expect(schema.properties.maxLength.title).toBe('Maximum length');
  });
});
