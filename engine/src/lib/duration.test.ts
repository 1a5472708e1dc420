import { describe, expect, it } from 'vitest';
import { durationMs } from './duration.js';

describe('durationMs', () => {
  it('reads weeks, days and time parts', () => {
    expect(durationMs('PT30M')).toBe(1_800_000);
    expect(durationMs('P3D')).toBe(259_200_000);
    expect(durationMs('P1W2DT4H5M6S')).toBe(((9 * 24 + 4) * 60 + 5) * 60_000 + 6_000);
    expect(durationMs('PT0S')).toBe(0);
  });

  it('refuses what is not such a duration', () => {
    for (const text of ['P', 'PT', 'P1M', 'P1Y', '3 days', 'PT1.5H', '-P1D', 'P1DT', ''])
      expect(durationMs(text), text).toBeUndefined();
  });
});
