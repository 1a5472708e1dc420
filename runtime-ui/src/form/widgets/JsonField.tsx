import type { FieldProps } from '@rjsf/utils';
import { Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Free-form JSON as text; the value changes only when the text parses. */
export function JsonField({ formData, onChange, fieldPathId, schema, disabled, readonly }: FieldProps) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => (formData === undefined ? '' : JSON.stringify(formData, null, 2)));
  const [bad, setBad] = useState(false);
  const id = fieldPathId.$id;
  return (
    <Form.Item
      layout="vertical"
      label={schema.title}
      htmlFor={id}
      validateStatus={bad ? 'error' : undefined}
      help={bad ? t('form.invalidJson') : undefined}
    >
      <Input.TextArea
        id={id}
        rows={4}
        value={text}
        disabled={disabled || readonly}
        style={{ fontFamily: 'monospace' }}
        onChange={(e) => {
          setText(e.target.value);
          if (!e.target.value.trim()) {
            setBad(false);
            return onChange(undefined, fieldPathId.path);
          }
          try {
            onChange(JSON.parse(e.target.value), fieldPathId.path);
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
    </Form.Item>
  );
}
