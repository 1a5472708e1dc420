import type { ObjectFieldTemplateProps } from '@rjsf/utils';
import { Card, Col, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FieldMeta } from '../api/metadata.api';
import { FIELD_UI } from '../fields/field-ui';
import { labelOf } from '../i18n/label';
import type { FormSection } from './form-schema';

/**
 * The record form's top level laid out like the record page: the layout's sections, each in one
 * or two columns (one on phones). Nested objects (geolocation) keep rjsf's plain rendering.
 */
export function SectionsTemplate(props: ObjectFieldTemplateProps) {
  const { i18n } = useTranslation();
  const sections = (props.registry.formContext as { sections?: FormSection[] } | undefined)?.sections;
  const byName = new Map(props.properties.map((p) => [p.name, p]));
  if (props.fieldPathId.path.length > 0 || !sections) {
    return (
      <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
        {props.title && <legend style={{ fontSize: 14 }}>{props.title}</legend>}
        {props.properties.map((p) => (
          <div key={p.name}>{p.content}</div>
        ))}
      </fieldset>
    );
  }
  return (
    <>
      {sections.map((section, i) => (
        <Card
          key={i}
          size="small"
          title={section.label ? labelOf(section.label, i18n.language) : undefined}
          style={{ marginBottom: 12 }}
        >
          <Row gutter={16}>
            {section.fields.map((name) => {
              const property = byName.get(name);
              if (!property || property.hidden) return null;
              const field = fieldMeta(props, name);
              const wide = section.columns === 1 || (field !== undefined && FIELD_UI[field.type].wide);
              return (
                <Col key={name} xs={24} md={wide ? 24 : 12}>
                  {property.content}
                </Col>
              );
            })}
          </Row>
        </Card>
      ))}
    </>
  );
}

function fieldMeta(props: ObjectFieldTemplateProps, name: string): FieldMeta | undefined {
  const options = (props.uiSchema?.[name] as { 'ui:options'?: { fieldMeta?: FieldMeta } } | undefined)?.['ui:options'];
  return options?.fieldMeta;
}
