import { Descriptions } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RecordData } from '../api/records.api';
import { FieldValue } from '../fields/FieldValue';
import { labelOf } from '../i18n/label';
import { useMeta } from '../metadata/use-metadata';

/** The layout's key fields under the record's name. */
export function Highlights({ object, record, fields }: { object: string; record: RecordData; fields: string[] }) {
  const { i18n } = useTranslation();
  const meta = useMeta();
  const items = fields.flatMap((name) => {
    const field = meta.field(object, name);
    return field
      ? [
          {
            key: name,
            label: labelOf(field.label, i18n.language),
            children: <FieldValue field={field} value={record[name]} record={record} />,
          },
        ]
      : [];
  });
  if (!items.length) return null;
  return (
    <Descriptions
      size="small"
      layout="vertical"
      column={{ xs: 2, sm: 3, md: 4, lg: 5, xl: items.length }}
      items={items}
      data-testid="highlights"
    />
  );
}
