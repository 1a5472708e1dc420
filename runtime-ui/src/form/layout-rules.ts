import jsonLogic from 'json-logic-js';

/**
 * A layout's visibility and required rules (layout.schema.json: sections[].visibleWhen and
 * fieldRules), evaluated in the browser with the json-logic-js the engine uses, over the record
 * as the user is typing it. The engine has the last word on "required" (it checks requiredWhen on
 * every write); here the rules only show, hide and mark fields.
 */

export interface FieldRules {
  visibleWhen?: unknown;
  requiredWhen?: unknown;
}

export interface RuledSection {
  fields: string[];
  visibleWhen?: unknown;
}

// The engine's extra date operations (engine/src/rules/json-logic.ts), so a rule means the same here.
jsonLogic.add_operation('today', () => new Date().toISOString().slice(0, 10));
jsonLogic.add_operation('now', () => new Date().toISOString());
jsonLogic.add_operation('add_days', (date: unknown, days: unknown) => {
  const base = typeof date === 'string' ? Date.parse(date.length === 10 ? `${date}T00:00:00Z` : date) : NaN;
  if (Number.isNaN(base) || typeof days !== 'number' || !Number.isFinite(days)) return null;
  return new Date(base + Math.trunc(days) * 86_400_000).toISOString().slice(0, 10);
});
jsonLogic.rm_operation('method');

/** Whether a rule holds over the record; a rule that is absent holds, one that fails to run does not. */
export function holds(rule: unknown, record: Record<string, unknown>, absent = true): boolean {
  if (rule === undefined) return absent;
  try {
    return jsonLogic.truthy(jsonLogic.apply(rule, record));
  } catch {
    return false;
  }
}

/** The sections and fields shown now: hidden sections left out, hidden fields taken out of theirs. */
export function visibleSections<S extends RuledSection>(
  sections: readonly S[],
  fieldRules: Readonly<Record<string, FieldRules>> | undefined,
  record: Record<string, unknown>,
): S[] {
  return sections
    .filter((s) => holds(s.visibleWhen, record))
    .map((s) => ({ ...s, fields: s.fields.filter((f) => holds(fieldRules?.[f]?.visibleWhen, record)) }));
}

/** The fields shown now whose requiredWhen holds: the form marks and checks them as required. */
export function requiredNow(
  sections: readonly RuledSection[],
  fieldRules: Readonly<Record<string, FieldRules>> | undefined,
  record: Record<string, unknown>,
): string[] {
  if (!fieldRules) return [];
  return visibleSections(sections, fieldRules, record).flatMap((s) =>
    s.fields.filter((f) => holds(fieldRules[f]?.requiredWhen, record, false)),
  );
}
