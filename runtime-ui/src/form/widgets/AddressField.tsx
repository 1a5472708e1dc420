import type { FieldProps } from '@rjsf/utils';
import { Col, Form, Input, Row } from 'antd';
import { useTranslation } from 'react-i18next';

const PARTS = [
  { key: 'street', span: 24 },
  { key: 'city', span: 12 },
  { key: 'state', span: 12 },
  { key: 'postalCode', span: 12 },
  { key: 'country', span: 12 },
] as const;

/** A postal address as five labelled inputs, each with its own server error. */
export function AddressField({ formData, onChange, fieldPathId, schema, readonly, disabled, errorSchema }: FieldProps) {
  const { t } = useTranslation();
  const value = (formData ?? {}) as Record<string, string | undefined>;
  const errors = (errorSchema ?? {}) as Record<string, { __errors?: string[] }>;
  return (
    <fieldset style={{ border: 0, margin: 0, padding: 0 }}>
      <legend style={{ fontSize: 14, marginBottom: 8 }}>{schema.title}</legend>
      <Row gutter={8}>
        {PARTS.map((p) => {
          const id = `${fieldPathId.$id}_${p.key}`;
          const partErrors = errors[p.key]?.__errors ?? [];
          return (
            <Col key={p.key} xs={24} sm={p.span}>
              <Form.Item
                layout="vertical"
                label={t(`form.${p.key}`)}
                htmlFor={id}
                validateStatus={partErrors.length ? 'error' : undefined}
                help={partErrors.join(' ') || undefined}
                style={{ marginBottom: 8 }}
              >
                <Input
                  id={id}
                  value={value[p.key] ?? ''}
                  disabled={disabled || readonly}
                  onChange={(e) => onChange({ ...value, [p.key]: e.target.value || undefined }, fieldPathId.path)}
                />
              </Form.Item>
            </Col>
          );
        })}
      </Row>
    </fieldset>
  );
}
