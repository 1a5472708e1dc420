import { describe, expect, it } from 'vitest';
import { completionAt, parseRule, pointerSpans, ruleText, spanOf } from './rule-text';

describe('parseRule', () => {
  it('parses json-logic and refuses what is not JSON', () => {
    expect(parseRule('{"var": "a"}')).toEqual({ ok: true, value: { var: 'a' } });
    expect(parseRule('{"var": ')).toEqual({ ok: false });
    expect(parseRule('  ')).toEqual({ ok: false });
    expect(ruleText(undefined)).toBe('');
    expect(parseRule(ruleText({ '<': [{ var: 'x' }, 1] }))).toEqual({ ok: true, value: { '<': [{ var: 'x' }, 1] } });
  });
});

describe('pointerSpans and spanOf', () => {
  const text = '{"and": [{"==": [{"var": "a/b"}, 1]}, {"method": [1]}]}';
  it('finds each value of the rule by its JSON pointer', () => {
    const spans = pointerSpans(text);
    const at = (p: string) => text.slice(spans.get(p)!.start, spans.get(p)!.end);
    expect(at('')).toBe(text);
    expect(at('/and/1')).toBe('{"method": [1]}');
    expect(at('/and/0/==/0/var')).toBe('"a/b"');
    expect(at('/and/0/==/1')).toBe('1');
  });
  it('falls back to the nearest enclosing value, or the whole text', () => {
    expect(text.slice(spanOf(text, '/and/1/method/7').start, spanOf(text, '/and/1/method/7').end)).toBe('[1]');
    expect(spanOf('{"a":', '/a')).toEqual({ start: 0, end: 5 });
    const slash = '{"a/b": 2}';
    expect(pointerSpans(slash).has('/a~1b')).toBe(true);
  });
});

describe('completionAt', () => {
  it('offers fields inside a var, operations at a key', () => {
    expect(completionAt('{"var": "am', 11)).toBe('field');
    expect(completionAt('{"var": ["', 10)).toBe('field');
    expect(completionAt('{"', 2)).toBe('operator');
    expect(completionAt('{"and": [{', 10)).toBe('operator');
    expect(completionAt('{"==": [1, 2', 12)).toBeUndefined();
  });
});
