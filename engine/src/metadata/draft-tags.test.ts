import { describe, expect, it } from 'vitest';
import { Problem } from '../errors.js';
import { parseIfMatch, requireTag } from './draft-tags.js';

describe('If-Match on draft items', () => {
  it('reads absent, any and lists of tags', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch(' ')).toBeUndefined();
    expect(parseIfMatch('*')).toBe('*');
    expect(parseIfMatch('"a1", W/"b2"')).toEqual(['"a1"', 'W/"b2"']);
  });

  it('refuses a header that is no list of entity tags, naming it', () => {
    for (const bad of ['a1', '"a1', '"a"b"', '"a1",', '*, "a1"']) {
      const e = (() => {
        try {
          parseIfMatch(bad);
        } catch (err) {
          return err;
        }
      })();
      expect(e, bad).toBeInstanceOf(Problem);
      expect((e as Problem).errors[0]).toMatchObject({ field: 'If-Match', code: 'format' });
    }
  });

  it('passes the current tag or *, and is 412 on any other, weak ones included', () => {
    expect(() => requireTag('object "a"', 'abc', undefined)).not.toThrow();
    expect(() => requireTag('object "a"', 'abc', '*')).not.toThrow();
    expect(() => requireTag('object "a"', 'abc', ['"x"', '"abc"'])).not.toThrow();
    for (const stale of [['"x"'], ['W/"abc"']]) {
      try {
        requireTag('object "a"', 'abc', stale);
        expect.unreachable();
      } catch (e) {
        expect((e as Problem).status).toBe(412);
        expect((e as Problem).errors).toEqual([expect.objectContaining({ field: 'If-Match', code: 'stale' })]);
      }
    }
  });
});
