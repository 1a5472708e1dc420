import { describe, expect, it } from 'vitest';
import { summaryLine } from './release-summary';

describe('a release in one line', () => {
  it('lists the kinds of change in a fixed order, leaving out those with none', () => {
    expect(summaryLine({ removed: 1, added: 2 }, (c) => c)).toBe('2 added · 1 removed');
    expect(summaryLine({}, (c) => c)).toBe('');
  });
});
