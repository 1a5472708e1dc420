import { describe, expect, it } from 'vitest';
import { apiNameFrom, toLabel, toTexts } from './label-value';

describe('labels as the studio edits them', () => {
  it('reads a plain string and a per-locale label', () => {
    expect(toTexts('Name')).toEqual({ en: 'Name', zh: '' });
    expect(toTexts({ en: 'Name', 'zh-CN': '名称' })).toEqual({ en: 'Name', zh: '名称' });
    expect(toTexts(undefined)).toEqual({ en: '', zh: '' });
  });

  it('writes both languages, keeps locales it does not edit, and drops empty ones', () => {
    expect(toLabel({ en: ' Vehicle ', zh: '车辆' })).toEqual({ en: 'Vehicle', 'zh-CN': '车辆' });
    expect(toLabel({ en: 'Car', zh: '' }, { en: 'Auto', de: 'Auto' })).toEqual({ de: 'Auto', en: 'Car' });
    expect(toLabel({ en: '', zh: '' })).toBeUndefined();
  });

  it('suggests an API name from an English label', () => {
    expect(apiNameFrom('Purchase Date')).toBe('purchase_date');
    expect(apiNameFrom('3D Model!')).toBe('d_model');
    expect(apiNameFrom('  ')).toBe('');
  });
});
