import type { FieldProps } from '@rjsf/utils';
import { Form, InputNumber, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { fieldMetaOf } from './field-meta';

/** ISO codes offered; the engine accepts any three capital letters with a known exchange rate. */
const CURRENCIES = ['USD', 'EUR', 'CNY', 'GBP', 'JPY', 'HKD', 'SGD', 'AUD', 'CAD', 'CHF'];

/**
 * An amount with its currency code. Empty code = the corporate currency. The value is
 * { amount, currency } in the form and is sent as a number or { amount, currency }.
 */
export function CurrencyField({
  formData,
  onChange,
  fieldPathId,
  uiSchema,
  schema,
  required,
  readonly,
  disabled,
  errorSchema,
}: FieldProps) {
  const { t } = useTranslation();
  const field = fieldMetaOf((uiSchema?.['ui:options'] ?? {}) as Record<string, unknown>);
  const value = (formData ?? {}) as { amount?: number; currency?: string };
  const id = fieldPathId.$id;
  // Errors on the whole amount are shown by rjsf's field template around this; only the code's here.
  const errors = (errorSchema as Record<string, { __errors?: string[] }> | undefined)?.currency?.__errors ?? [];
  const set = (next: { amount?: number; currency?: string }) =>
    onChange(next.amount === undefined && !next.currency ? undefined : next, fieldPathId.path);
  return (
    <Form.Item
      layout="vertical"
      label={schema.title}
      htmlFor={id}
      required={required}
      validateStatus={errors.length ? 'error' : undefined}
      help={errors.length ? errors.join(' ') : undefined}
      style={{ marginBottom: 0 }}
    >
      <Space.Compact style={{ width: '100%' }}>
        <InputNumber
          id={id}
          style={{ width: '100%' }}
          value={value.amount}
          precision={field.scale ?? 2}
          disabled={disabled || readonly}
          onChange={(amount) => set({ ...value, amount: amount ?? undefined })}
        />
        <Select
          aria-label={`${schema.title ?? ''} ${t('form.currency')}`}
          style={{ width: 96 }}
          value={value.currency}
          placeholder={t('form.currency')}
          allowClear
          disabled={disabled || readonly}
          options={CURRENCIES.map((c) => ({ value: c, label: c }))}
          onChange={(currency) => set({ ...value, currency: currency ?? undefined })}
        />
      </Space.Compact>
    </Form.Item>
  );
}
