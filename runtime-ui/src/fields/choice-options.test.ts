import { describe, expect, it } from 'vitest';
import type { FieldMeta } from '../api/metadata.api';
import { choiceOptions } from './choice-options';

const field = {
  apiName: 'stage',
  values: [
    { value: 'new', label: { en: 'New', 'zh-CN': '新建' } },
    { value: 'old', label: 'Old', active: false },
    { value: 'won' },
  ],
} as FieldMeta;

describe('choiceOptions', () => {
  it('offers the active values in order, labelled in the language', () => {
    expect(choiceOptions(field, undefined, 'zh-CN')).toEqual([
      { value: 'new', label: '新建' },
      { value: 'won', label: 'won' },
    ]);
  });

  it('keeps an inactive value the record already holds, alone or in a list', () => {
    expect(choiceOptions(field, 'old', 'en').map((o) => o.value)).toEqual(['new', 'old', 'won']);
    expect(choiceOptions(field, ['won', 'old'], 'en').map((o) => o.value)).toEqual(['new', 'old', 'won']);
  });
});
