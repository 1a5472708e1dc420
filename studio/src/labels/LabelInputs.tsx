import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * A label in both UI languages, as two inputs of an antd form: `<name>.en` and `<name>.zh`
 * (label-value.ts turns them into metadata). English is required, Chinese optional.
 */
export function LabelInputs({ name, label, testId }: { name: string; label: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(200px, 1fr))', columnGap: 12 }}>
      <Form.Item
        name={[name, 'en']}
        label={`${label} (English)`}
        rules={[{ required: true, whitespace: true, message: t('studio.form.required') }]}
      >
        <Input data-testid={testId && `${testId}-en`} />
      </Form.Item>
      <Form.Item name={[name, 'zh']} label={`${label} (简体中文)`}>
        <Input lang="zh-CN" data-testid={testId && `${testId}-zh`} />
      </Form.Item>
    </div>
  );
}
