import { Card, Descriptions } from 'antd';
import { useTranslation } from 'react-i18next';
import type { LayoutMeta } from '../api/metadata.api';
import type { RecordData } from '../api/records.api';
import { FIELD_UI } from '../fields/field-ui';
import { FieldValue } from '../fields/FieldValue';
import { visibleSections } from '../form/layout-rules';
import { labelOf } from '../i18n/label';
import { useMeta } from '../metadata/use-metadata';

/** The layout's sections, each in one or two columns (always one on a phone). */
export function RecordSections({
  object,
  record,
  layout,
}: {
  object: string;
  record: RecordData;
  layout: LayoutMeta | undefined;
}) {
  const { t, i18n } = useTranslation();
  const meta = useMeta();
  // Sections and fields whose visibleWhen does not hold for this record stay hidden, as on the form.
  const sections = visibleSections(
    layout?.sections ?? [{ id: 'all', columns: 2 as const, fields: meta.object(object)!.fields.map((f) => f.apiName) }],
    layout?.fieldRules,
    record,
  );
  return (
    <>
      {sections.map((section) => {
        const items = section.fields.flatMap((name) => {
          const field = meta.field(object, name);
          const wide = field && FIELD_UI[field.type].wide;
          return field
            ? [
                {
                  key: name,
                  label: labelOf(field.label, i18n.language),
                  span: wide ? ('filled' as const) : 1,
                  children: <FieldValue field={field} value={record[name]} record={record} />,
                },
              ]
            : [];
        });
        if (!items.length) return null;
        return (
          <Card
            key={section.id}
            size="small"
            title={'label' in section && section.label ? labelOf(section.label, i18n.language) : t('record.details')}
            style={{ marginBottom: 12 }}
          >
            <Descriptions column={{ xs: 1, sm: 1, md: section.columns ?? 2 }} items={items} size="small" />
          </Card>
        );
      })}
    </>
  );
}
