import { Form, Input } from 'antd';
import { useId, useState } from 'react';
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

export function RuleEditor(props: RuleEditorProps): React.JSX.Element {
  const { kind, value, label, id } = props;
  const { t } = useTranslation();
  const own = useId();
  const boxId = id ?? own;
  const [text, setText] = useState(() => show(value));
  const [error, setError] = useState<string>();
  // The value last shown or sent: one that differs came from outside (another field selected,
  // the draft reloaded) and replaces the text; one this box sent leaves the text as typed.
  const [seen, setSeen] = useState(() => show(value));
  if (show(value) !== seen) {
    setSeen(show(value));
    setText(show(value));
    setError(undefined);
  }
  const send = (next: unknown) => {
    setSeen(show(next));
    props.onChange(next);
  };
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
            send(undefined);
            return;
          }
          try {
            const parsed: unknown = JSON.parse(next);
            setError(undefined);
            send(parsed);
          } catch (err) {
            setError(t('studio.layouts.ruleParse', { message: (err as Error).message }));
          }
        }}
      />
    </Form.Item>
  );
}
