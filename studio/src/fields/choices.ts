import type { Choice } from '../api/studio.api';
import { apiNameFrom, toLabel, toTexts, type LabelTexts } from '../labels/label-value';

/**
 * A picklist's choices as the editor holds them: a stable key per row for drag and drop, the
 * labels in both languages, and whether the value is already in the draft (a stored value never
 * changes, or records holding it would lose their choice: such a value is deactivated instead).
 */
export interface ChoiceRow {
  key: string;
  value: string;
  label: LabelTexts;
  color?: string;
  active: boolean;
  stored: boolean;
}

let nextKey = 0;
const newKey = () => `choice-${++nextKey}`;

export const toRows = (values: Choice[] = []): ChoiceRow[] =>
  values.map((c) => ({
    key: newKey(),
    value: c.value,
    label: toTexts(c.label),
    ...(c.color ? { color: c.color } : {}),
    active: c.active !== false,
    stored: true,
  }));

export const newRow = (): ChoiceRow => ({
  key: newKey(),
  value: '',
  label: { en: '', zh: '' },
  active: true,
  stored: false,
});

/** A new row's value follows its English label until someone types a value of their own. */
export const suggestedValue = (row: ChoiceRow, english: string) => (row.stored ? row.value : apiNameFrom(english));

export const toChoices = (rows: ChoiceRow[]): Choice[] =>
  rows.map((r) => {
    const label = toLabel(r.label);
    return {
      value: r.value.trim(),
      ...(label ? { label } : {}),
      ...(r.color ? { color: r.color } : {}),
      ...(r.active ? {} : { active: false }),
    };
  });

/** Problems the engine would refuse the choices for, said before the request: empty or repeated values. */
export function choiceProblems(rows: ChoiceRow[]): { key: string; problem: 'empty' | 'duplicate' }[] {
  const seen = new Set<string>();
  const problems: { key: string; problem: 'empty' | 'duplicate' }[] = [];
  for (const r of rows) {
    const value = r.value.trim();
    if (!value) problems.push({ key: r.key, problem: 'empty' });
    else if (seen.has(value)) problems.push({ key: r.key, problem: 'duplicate' });
    seen.add(value);
  }
  return problems;
}

/** The field's default after an edit of the choices: kept only while it is an active value. */
export function keptDefault(rows: ChoiceRow[], value: unknown, multiple: boolean): unknown {
  const active = new Set(rows.filter((r) => r.active).map((r) => r.value));
  if (multiple) {
    const kept = Array.isArray(value) ? value.filter((v) => active.has(v as string)) : [];
    return kept.length ? kept : undefined;
  }
  return typeof value === 'string' && active.has(value) ? value : undefined;
}
