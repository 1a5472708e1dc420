import type { WidgetProps } from '@rjsf/utils';
import { useMemo } from 'react';
import { RuleEditor, type RuleKind } from './RuleEditor';
import { parseRule } from './rule-text';

/** What the settings form knows that a rule widget needs: the object the field belongs to. */
export interface RuleFormContext {
  object: string;
}

/**
 * A json-logic setting of a field type (a formula's expression) in the settings form that the
 * type's own schema draws: rjsf keeps JSON settings as text (settings-schema.ts), this widget
 * edits that text in the rule editor and hands back the text of the rule whenever it parses.
 */
export function RuleWidget({ id, value, onChange, label, options, registry }: WidgetProps) {
  const text = typeof value === 'string' ? value : '';
  const rule = useMemo(() => {
    const parsed = parseRule(text);
    return parsed.ok ? parsed.value : undefined;
  }, [text]);
  const context = registry.formContext as RuleFormContext | undefined;
  if (!context?.object) return null;
  return (
    <RuleEditor
      id={id}
      object={context.object}
      kind={(options.kind as RuleKind | undefined) ?? 'formula'}
      value={rule}
      onChange={(next) => onChange(JSON.stringify(next))}
      label={label}
    />
  );
}
