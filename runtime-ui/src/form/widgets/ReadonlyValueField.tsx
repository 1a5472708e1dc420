import type { FieldProps } from '@rjsf/utils';
import { Form } from 'antd';
import { FieldValue } from '../../fields/FieldValue';
import { fieldMetaOf } from './field-meta';

/** Values the engine computes (autonumber, formula, rollup): shown with their label, never edited. */
export function ReadonlyValueField({ formData, fieldPathId, uiSchema, schema }: FieldProps) {
  const field = fieldMetaOf((uiSchema?.['ui:options'] ?? {}) as Record<string, unknown>);
  return (
    <Form.Item layout="vertical" label={schema.title} htmlFor={fieldPathId.$id}>
      <output id={fieldPathId.$id}>
        <FieldValue field={field} value={formData as unknown} />
      </output>
    </Form.Item>
  );
}
