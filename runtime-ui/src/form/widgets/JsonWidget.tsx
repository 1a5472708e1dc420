import type { WidgetProps } from '@rjsf/utils';
import { Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Free-form JSON as text; the value changes only when the text parses. */
export function JsonWidget({ id, value, onChange, disabled, readonly }: WidgetProps) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [bad, setBad] = useState(false);
  return (
    <>
      <Input.TextArea id={id} rows={4} value={text} disabled={disabled || readonly} status={bad ? 'error' : undefined} style={{ fontFamily: 'monospace' }}
        onChange={(e) => {
          setText(e.target.value);
          if (!e.target.value.trim()) return void (setBad(false), onChange(undefined));
          try {
            onChange(JSON.parse(e.target.value));
            setBad(false);
          } catch {
            setBad(true);
          }
        }} />
      {bad && <Typography.Text type="danger">{t('form.invalidJson')}</Typography.Text>}
    </>
  );
}
