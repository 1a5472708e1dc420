import { Form, Input } from 'antd';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A json-logic rule as JSON text. This is the minimal editor the automation screens were built
 * against; the monaco editor with completion and the engine's checker replaces this file with
 * the same interface.
 */

export type RuleKind = 'validation' | 'formula' | 'visibility' | 'required' | 'condition';

export interface RuleEditorProps {
  object: string;
  kind: RuleKind;
  value: unknown;
  onChange(value: unknown): void;
  label: string;
  id?: string;
}

const textOf = (value: unknown) => (value === undefined ? '' : JSON.stringify(value, null, 2));

/** What the text says, or a reason it says nothing: empty text is no rule. */
const parse = (text: string): { value: unknown } | { error: string } => {
  if (!text.trim()) return { value: undefined };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (e) {
    return { error: (e as Error).message };
  }
};

export function RuleEditor(props: RuleEditorProps): React.JSX.Element {
  const { value, label, id } = props;
  const { t } = useTranslation();
  const ownId = useId();
  const inputId = id ?? ownId;
  const [text, setText] = useState(() => textOf(value));
  const [seen, setSeen] = useState(value);
  // A value changed from outside (the draft read again) replaces the text unless it already says it.
  if (seen !== value) {
    setSeen(value);
    const current = parse(text);
    if (!('value' in current) || JSON.stringify(current.value) !== JSON.stringify(value)) setText(textOf(value));
  }
  const parsed = parse(text);
  const error = 'error' in parsed ? t('studio.automation.rule.badJson', { message: parsed.error }) : undefined;

  const change = (next: string) => {
    setText(next);
    const result = parse(next);
    if ('value' in result) {
      setSeen(result.value);
      props.onChange(result.value);
    }
  };

  return (
    <Form.Item
      label={label}
      htmlFor={inputId}
      layout="vertical"
      validateStatus={error ? 'error' : undefined}
      help={error}
      style={{ marginBottom: 8 }}
    >
      <Input.TextArea
        id={inputId}
        data-testid="rule-editor"
        rows={4}
        spellCheck={false}
        style={{ fontFamily: 'monospace' }}
        value={text}
        onChange={(e) => change(e.target.value)}
      />
    </Form.Item>
  );
}
