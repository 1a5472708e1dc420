import { Form, Input } from 'antd';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A json-logic rule typed as JSON. This is the minimal editor the layout builder was written
 * against; the monaco editor with completion and the engine's checker replaces this file with the
 * same interface. An empty box means no rule (undefined).
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

const show = (value: unknown) => (value === undefined ? '' : JSON.stringify(value));

export function RuleEditor({ kind, value, onChange, label, id }: RuleEditorProps): React.JSX.Element {
  const { t } = useTranslation();
  const own = useId();
  const boxId = id ?? own;
  const [text, setText] = useState(() => show(value));
  const [error, setError] = useState<string>();
  // A value changed from outside (another field selected, the draft reloaded) replaces the text.
  useEffect(() => {
    setText((current) => {
      try {
        if (current.trim() && JSON.stringify(JSON.parse(current)) === JSON.stringify(value)) return current;
      } catch {
        return current;
      }
      return show(value);
    });
  }, [value]);
  return (
    <Form.Item
      label={label}
      htmlFor={boxId}
      validateStatus={error ? 'error' : undefined}
      help={error}
      layout="vertical"
      style={{ marginBottom: 8 }}
    >
      <Input.TextArea
        id={boxId}
        data-rule-kind={kind}
        autoSize={{ minRows: 2, maxRows: 8 }}
        value={text}
        style={{ fontFamily: 'monospace' }}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          if (!next.trim()) {
            setError(undefined);
            onChange(undefined);
            return;
          }
          try {
            const parsed: unknown = JSON.parse(next);
            setError(undefined);
            onChange(parsed);
          } catch (err) {
            setError(t('studio.layouts.ruleParse', { message: (err as Error).message }));
          }
        }}
      />
    </Form.Item>
  );
}
