import { describe, expect, it } from 'vitest';
import { Problem } from '../errors.js';
import { publishTag, requirePlanTag, rollbackTag } from './plan-tags.js';
import type { MetadataSnapshot } from './types.js';

const draft = (description: string): MetadataSnapshot => ({
  objects: [{ id: 'obj_1', apiName: 'ticket', description } as MetadataSnapshot['objects'][number]],
  layouts: [],
  listViews: [],
});

describe('tags of planned publishes and rollbacks', () => {
  it('names the same draft and release alike, and differs when either moves', () => {
    expect(publishTag(3, draft('a'))).toBe(publishTag(3, draft('a')));
    expect(publishTag(3, draft('a'))).not.toBe(publishTag(3, draft('b')));
    expect(publishTag(3, draft('a'))).not.toBe(publishTag(4, draft('a')));
    expect(rollbackTag(5, 2)).not.toBe(rollbackTag(6, 2));
    expect(rollbackTag(5, 2)).not.toBe(rollbackTag(5, 3));
  });

  it('passes the tag, *, or no If-Match, and is 412 naming If-Match on any other, weak ones included', () => {
    const tag = publishTag(3, draft('a'));
    expect(() => requirePlanTag(tag, undefined)).not.toThrow();
    expect(() => requirePlanTag(tag, '*')).not.toThrow();
    expect(() => requirePlanTag(tag, ['"x"', `"${tag}"`])).not.toThrow();
    for (const stale of [[`"${publishTag(4, draft('a'))}"`], [`W/"${tag}"`]]) {
      const refused = (() => {
        try {
          requirePlanTag(tag, stale);
        } catch (e) {
          return e;
        }
      })();
      expect(refused).toBeInstanceOf(Problem);
      expect((refused as Problem).status).toBe(412);
      expect((refused as Problem).errors).toEqual([expect.objectContaining({ field: 'If-Match', code: 'stale' })]);
    }
  });
});
