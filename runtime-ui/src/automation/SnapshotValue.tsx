import { Typography } from 'antd';
import { FieldValue } from '../fields/FieldValue';
import { plainText } from '../fields/format';
import { useMeta } from '../metadata/use-metadata';

/**
 * A value from a run's record snapshot, drawn as its field's type draws it (a picklist as its
 * tag, an amount in its currency); a value of no known field as its text; nothing as a dash.
 */
export function SnapshotValue({
  object,
  field,
  value,
  record,
}: {
  object: string;
  field: string;
  value: unknown;
  record?: Record<string, unknown> | null;
}) {
  const meta = useMeta();
  const empty = value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length);
  if (empty) return <Typography.Text type="secondary">—</Typography.Text>;
  const f = meta.field(object, field);
  if (!f) return <span className="tessera-wrap">{plainText(value)}</span>;
  return <FieldValue field={f} value={value} record={record ?? undefined} />;
}
