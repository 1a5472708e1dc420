import { describe, expect, it } from 'vitest';
import { holds, requiredNow, visibleSections } from './layout-rules';

const sections = [
  { fields: ['name', 'stage', 'lost_reason'] },
  { fields: ['amount'], visibleWhen: { '!=': [{ var: 'stage' }, 'lost'] } },
];
const rules = {
  lost_reason: {
    visibleWhen: { '==': [{ var: 'stage' }, 'lost'] },
    requiredWhen: { '==': [{ var: 'stage' }, 'lost'] },
  },
  amount: { requiredWhen: { '>': [{ var: 'probability' }, 50] } },
};

describe('layout rules', () => {
  it('hides a field while its visibleWhen is false and shows it when it holds', () => {
    expect(visibleSections(sections, rules, { stage: 'open' }).map((s) => s.fields)).toEqual([
      ['name', 'stage'],
      ['amount'],
    ]);
    expect(visibleSections(sections, rules, { stage: 'lost' }).map((s) => s.fields)).toEqual([
      ['name', 'stage', 'lost_reason'],
    ]);
  });

  it('requires a shown field while its requiredWhen holds, never a hidden one', () => {
    expect(requiredNow(sections, rules, { stage: 'lost' })).toEqual(['lost_reason']);
    expect(requiredNow(sections, rules, { stage: 'open', probability: 80 })).toEqual(['amount']);
    // amount's section is hidden when lost, so its rule does not apply.
    expect(requiredNow(sections, rules, { stage: 'lost', probability: 80 })).toEqual(['lost_reason']);
    expect(requiredNow(sections, undefined, { stage: 'lost' })).toEqual([]);
  });

  it('knows the engine date operations and fails closed on a broken rule', () => {
    expect(holds({ '==': [{ add_days: ['2026-01-30', 3] }, '2026-02-02'] }, {})).toBe(true);
    expect(holds({ method: [{ var: 'x' }, 'toString'] }, { x: 1 })).toBe(false);
    expect(holds(undefined, {})).toBe(true);
    expect(holds(undefined, {}, false)).toBe(false);
  });
});
