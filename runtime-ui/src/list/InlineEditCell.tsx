import { CheckOutlined, CloseOutlined, EditOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/api-error';
import { editRefusal } from '../approvals/approval-state';
import type { FieldMeta } from '../api/metadata.api';
import { updateRecord, type RecordData } from '../api/records.api';
import { FieldValue } from '../fields/FieldValue';
import { InlineEditor } from '../fields/InlineEditor';

/**
 * A table cell that edits in place: the pencil (or a double click) opens an editor, Enter or ✓
 * saves with If-Match, so a record someone else changed meanwhile is refused, not overwritten.
 */
export function InlineEditCell({
  object,
  record,
  field,
  editable,
}: {
  object: string;
  record: RecordData;
  field: FieldMeta;
  editable: boolean;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<unknown>(record[field.apiName]);
  const save = useMutation({
    mutationFn: () => updateRecord(object, record.id, { [field.apiName]: draft === '' ? null : draft }, record.version),
    onSuccess: () => {
      setEditing(false);
      void queryClient.invalidateQueries({ queryKey: ['records', object] });
      message.success(t('record.saved'));
    },
    onError: (e: ApiError) => message.error(editRefusal(e, t)),
  });

  if (!editing) {
    return (
      <div
        className="tessera-cell"
        onDoubleClick={
          editable
            ? () => {
                setDraft(record[field.apiName]);
                setEditing(true);
              }
            : undefined
        }
        style={{ display: 'flex', gap: 4, alignItems: 'center' }}
      >
        <div style={{ flex: 1, minWidth: 0 }}>
          <FieldValue field={field} value={record[field.apiName]} record={record} />
        </div>
        {editable && (
          <Button
            size="small"
            type="text"
            className="tessera-cell-edit"
            icon={<EditOutlined />}
            aria-label={t('list.editCell')}
            onClick={() => {
              setDraft(record[field.apiName]);
              setEditing(true);
            }}
          />
        )}
      </div>
    );
  }
  return (
    <Space.Compact style={{ width: '100%' }}>
      <InlineEditor
        field={field}
        value={draft}
        onChange={setDraft}
        onCommit={() => save.mutate()}
        onCancel={() => setEditing(false)}
      />
      <Button
        icon={<CheckOutlined />}
        loading={save.isPending}
        onClick={() => save.mutate()}
        aria-label={t('common.save')}
      />
      <Button icon={<CloseOutlined />} onClick={() => setEditing(false)} aria-label={t('common.cancel')} />
    </Space.Compact>
  );
}
