import { describe, expect, it } from 'vitest';
import { MAX_WEBHOOK_ATTEMPTS, parseRetryAfter, retryDelayMs } from './retry-schedule.js';

const HOUR = 60 * 60 * 1000;
const highest = () => 1 - Number.EPSILON;

describe('retryDelayMs', () => {
  it('doubles from 5 s and stops growing at 1 h', () => {
    const delays = Array.from({ length: 14 }, (_, i) => retryDelayMs(i + 1, undefined, () => 0.5));
    expect(delays.slice(0, 4)).toEqual([2_500, 5_000, 10_000, 20_000]);
    expect(delays[10]).toBe(HOUR / 2);
    expect(delays.slice(10)).toEqual([HOUR / 2, HOUR / 2, HOUR / 2, HOUR / 2]);
    expect(retryDelayMs(1000, undefined, () => 0.5)).toBe(HOUR / 2);
  });

  it('stays within [0, ceiling) whatever the random draw', () => {
    for (const attempt of [1, 3, 7, 11, 20]) {
      const ceiling = Math.min(HOUR, 5_000 * 2 ** (attempt - 1));
      expect(retryDelayMs(attempt, undefined, () => 0)).toBe(0);
      expect(retryDelayMs(attempt, undefined, highest)).toBe(ceiling - 1);
      for (let draw = 0; draw < 1; draw += 0.01) {
        const delay = retryDelayMs(attempt, undefined, () => draw);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
      }
    }
  });

  it('waits at least as long as Retry-After asks, up to 24 h', () => {
    expect(retryDelayMs(1, 7_000, () => 0.5)).toBe(7_000);
    expect(retryDelayMs(5, 1_000, () => 0.5)).toBe(40_000);
    expect(retryDelayMs(3, 48 * HOUR, () => 0.5)).toBe(24 * HOUR);
  });

  it('spans at most the 2 h 25 min its comment promises over MAX_WEBHOOK_ATTEMPTS', () => {
    const waits = Array.from({ length: MAX_WEBHOOK_ATTEMPTS - 1 }, (_, i) => retryDelayMs(i + 1, undefined, highest));
    const total = waits.reduce((sum, wait) => sum + wait, 0);
    expect(total).toBeGreaterThan(2 * HOUR + 24 * 60 * 1000);
    expect(total).toBeLessThan(2 * HOUR + 26 * 60 * 1000);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2030-01-01T12:00:00Z');

  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Tue, 01 Jan 2030 12:02:00 GMT', now)).toBe(120_000);
  });

  it('reads a date already past as now, and caps at 24 h', () => {
    expect(parseRetryAfter('Tue, 01 Jan 2030 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('999999999', now)).toBe(24 * HOUR);
  });

  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});
