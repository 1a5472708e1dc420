import { DeleteOutlined, EditOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Modal, Popconfirm, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/api-error';
import { deleteRecord, updateRecord, type RecordData } from '../api/records.api';
import { FIELD_UI } from '../fields/field-ui';
import { InlineEditor } from '../fields/InlineEditor';
import { UserSelect } from '../fields/UserSelect';
import { labelOf } from '../i18n/label';
import { useMeta } from '../metadata/use-metadata';
import { runBatch } from './run-batch';

interface Props {
  object: string;
  selected: RecordData[];
  onDone: () => void;
}

/** Mass update of one field, change of owner and mass delete of the selected rows, each row with its own If-Match. */
export function BulkActions({ object, selected, onDone }: Props) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const meta = useMeta();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [fieldName, setFieldName] = useState<string>();
  const [value, setValue] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [owning, setOwning] = useState(false);
  const [owner, setOwner] = useState<string>();
  const editable = (meta.object(object)?.fields ?? []).filter((f) => FIELD_UI[f.type].inlineEdit && !f.readOnly);
  const field = fieldName ? meta.field(object, fieldName) : undefined;

  const finish = (verb: string, result: { ok: number; failed: { error: unknown }[] }) => {
    void queryClient.invalidateQueries({ queryKey: ['records', object] });
    if (result.failed.length) {
      message.error(t('bulk.partial', { verb, ok: result.ok, failed: result.failed.length, reason: (result.failed[0]!.error as ApiError).display ?? '' }));
    } else message.success(t('bulk.done', { verb, count: result.ok }));
    onDone();
  };
  const update = async () => {
    if (!field) return;
    setBusy(true);
    const result = await runBatch(selected, (r) => updateRecord(object, r.id, { [field.apiName]: value === '' ? null : value }, r.version));
    setBusy(false);
    setOpen(false);
    finish(t('bulk.updated'), result);
  };
  // The engine checks the right to transfer (full access to the record) and that the new owner is active.
  const transfer = async () => {
    if (!owner) return;
    setBusy(true);
    const result = await runBatch(selected, (r) => updateRecord(object, r.id, { owner_id: owner }, r.version));
    setBusy(false);
    setOwning(false);
    finish(t('bulk.transferred'), result);
  };
  const remove = async () => {
    setBusy(true);
    const result = await runBatch(selected, (r) => deleteRecord(object, r.id));
    setBusy(false);
    finish(t('bulk.deleted'), result);
  };

  return (
    <Space wrap data-testid="bulk-actions">
      <Typography.Text strong>{t('bulk.selected', { count: selected.length })}</Typography.Text>
      {meta.can(object, 'edit') && <Button icon={<EditOutlined />} onClick={() => setOpen(true)}>{t('bulk.update')}</Button>}
      {meta.can(object, 'edit') && <Button icon={<UserSwitchOutlined />} onClick={() => setOwning(true)}>{t('bulk.changeOwner')}</Button>}
      {meta.can(object, 'delete') && (
        <Popconfirm title={t('bulk.confirmDelete', { count: selected.length })} onConfirm={remove} okButtonProps={{ danger: true }}>
          <Button danger icon={<DeleteOutlined />} loading={busy}>{t('common.delete')}</Button>
        </Popconfirm>
      )}
      <Modal open={open} title={t('bulk.updateTitle', { count: selected.length })} onCancel={() => setOpen(false)} onOk={update} okButtonProps={{ disabled: !field, loading: busy }} okText={t('bulk.apply')}>
        <Form layout="vertical">
          <Form.Item label={t('bulk.field')}>
            <Select value={fieldName} onChange={(name) => { setFieldName(name); setValue(null); }} aria-label={t('bulk.field')}
              options={editable.map((f) => ({ value: f.apiName, label: labelOf(f.label, i18n.language) }))} />
          </Form.Item>
          {field && (
            <Form.Item label={t('bulk.newValue')}>
              <InlineEditor key={field.apiName} field={field} value={value} onChange={setValue} onCommit={update} onCancel={() => setOpen(false)} />
            </Form.Item>
          )}
        </Form>
      </Modal>
      <Modal open={owning} title={t('bulk.changeOwnerTitle', { count: selected.length })} onCancel={() => setOwning(false)} onOk={transfer} okButtonProps={{ disabled: !owner, loading: busy }} okText={t('bulk.apply')}>
        <Form layout="vertical">
          <Form.Item label={t('bulk.newOwner')}>
            <UserSelect value={owner} onChange={setOwner} ariaLabel={t('bulk.newOwner')} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
