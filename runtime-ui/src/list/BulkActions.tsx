import { DeleteOutlined, EditOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Modal, Popconfirm, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { bulkDeleteRecords, bulkUpdateRecords, type BulkRowResult, type RecordData } from '../api/records.api';
import { editsInline } from '../fields/field-ui';
import { formatNumber, plainText } from '../fields/format';
import { InlineEditor } from '../fields/InlineEditor';
import { UserSelect } from '../fields/UserSelect';
import { labelOf } from '../i18n/label';
import { useMeta } from '../metadata/use-metadata';
import { inChunks, type RowFailure } from './bulk-chunks';
import { BulkProgress, type BulkProgressState } from './BulkProgress';
import { BulkWorkflowRuns } from './BulkWorkflowRuns';

interface Props {
  object: string;
  selected: RecordData[];
  onDone: () => void;
}

/**
 * Mass update of one field, change of owner and mass delete of the selected rows, through the
 * engine's bulk endpoints: up to 2,000 records a request, each row with its version (a record
 * changed meanwhile is refused, not overwritten). Rows the engine refuses are skipped and listed
 * with its reason; the others are saved. The object's manual workflows sit beside them
 * (BulkWorkflowRuns).
 */
export function BulkActions({ object, selected, onDone }: Props) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const meta = useMeta();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [fieldName, setFieldName] = useState<string>();
  const [value, setValue] = useState<unknown>(null);
  const [owning, setOwning] = useState(false);
  const [owner, setOwner] = useState<string>();
  const [progress, setProgress] = useState<BulkProgressState>();
  const [failures, setFailures] = useState<{ verb: string; ok: number; failed: RowFailure<RecordData>[] }>();
  const editable = (meta.object(object)?.fields ?? []).filter(editsInline);
  const field = fieldName ? meta.field(object, fieldName) : undefined;
  const nameField = meta.object(object)?.nameField ?? 'id';
  const busy = progress !== undefined;
  const lng = i18n.language;

  const run = async (
    verb: string,
    send: (chunk: RecordData[], key: string) => Promise<{ results: BulkRowResult[] }>,
  ) => {
    setOpen(false);
    setOwning(false);
    const outcome = await inChunks(selected, send, (done, total) => setProgress({ done, total }));
    setProgress(undefined);
    void queryClient.invalidateQueries({ queryKey: ['records', object] });
    if (outcome.failed.length) setFailures({ verb, ...outcome });
    else {
      message.success(t('bulk.done', { verb, count: outcome.ok }));
      onDone();
    }
  };
  const update = () => {
    if (!field) return;
    const change = { [field.apiName]: value === '' ? null : value };
    void run(t('bulk.updated'), (chunk, key) =>
      bulkUpdateRecords(
        object,
        chunk.map((r) => ({ id: r.id, version: r.version, ...change })),
        { allOrNone: false, idempotencyKey: key },
      ),
    );
  };
  // The engine checks the right to transfer (full access to each record) and that the new owner is active.
  const transfer = () => {
    if (!owner) return;
    void run(t('bulk.transferred'), (chunk, key) =>
      bulkUpdateRecords(
        object,
        chunk.map((r) => ({ id: r.id, version: r.version, owner_id: owner })),
        { allOrNone: false, idempotencyKey: key },
      ),
    );
  };
  const remove = () =>
    run(t('bulk.deleted'), (chunk, key) =>
      bulkDeleteRecords(
        object,
        chunk.map((r) => r.id),
        { allOrNone: false, idempotencyKey: key },
      ),
    );
  const closeFailures = () => {
    setFailures(undefined);
    onDone();
  };

  return (
    <Space wrap data-testid="bulk-actions">
      <Typography.Text strong>{t('bulk.selected', { count: selected.length })}</Typography.Text>
      {meta.can(object, 'edit') && (
        <Button icon={<EditOutlined />} onClick={() => setOpen(true)} disabled={busy}>
          {t('bulk.update')}
        </Button>
      )}
      {meta.can(object, 'edit') && (
        <Button icon={<UserSwitchOutlined />} onClick={() => setOwning(true)} disabled={busy}>
          {t('bulk.changeOwner')}
        </Button>
      )}
      {meta.manualWorkflows(object).length > 0 && (
        <BulkWorkflowRuns object={object} selected={selected} onDone={onDone} disabled={busy} />
      )}
      {meta.can(object, 'delete') && (
        <Popconfirm
          title={t('bulk.confirmDelete', { count: selected.length })}
          description={t('bulk.deleteNote')}
          onConfirm={remove}
          okButtonProps={{ danger: true }}
        >
          <Button danger icon={<DeleteOutlined />} loading={busy}>
            {t('common.delete')}
          </Button>
        </Popconfirm>
      )}
      <Modal
        open={open}
        title={t('bulk.updateTitle', { count: selected.length })}
        onCancel={() => setOpen(false)}
        onOk={update}
        okButtonProps={{ disabled: !field, loading: busy }}
        okText={t('bulk.apply')}
      >
        <Form layout="vertical">
          <Form.Item label={t('bulk.field')}>
            <Select
              value={fieldName}
              onChange={(name) => {
                setFieldName(name);
                setValue(null);
              }}
              aria-label={t('bulk.field')}
              options={editable.map((f) => ({ value: f.apiName, label: labelOf(f.label, lng) }))}
            />
          </Form.Item>
          {field && (
            <Form.Item label={t('bulk.newValue')}>
              <InlineEditor
                key={field.apiName}
                field={field}
                value={value}
                onChange={setValue}
                onCommit={update}
                onCancel={() => setOpen(false)}
              />
            </Form.Item>
          )}
        </Form>
        <Typography.Paragraph type="secondary">{t('bulk.partialNote')}</Typography.Paragraph>
      </Modal>
      <Modal
        open={owning}
        title={t('bulk.changeOwnerTitle', { count: selected.length })}
        onCancel={() => setOwning(false)}
        onOk={transfer}
        okButtonProps={{ disabled: !owner, loading: busy }}
        okText={t('bulk.apply')}
      >
        <Form layout="vertical">
          <Form.Item label={t('bulk.newOwner')}>
            <UserSelect value={owner} onChange={setOwner} ariaLabel={t('bulk.newOwner')} />
          </Form.Item>
        </Form>
        <Typography.Paragraph type="secondary">{t('bulk.partialNote')}</Typography.Paragraph>
      </Modal>
      <BulkProgress progress={progress} />
      <Modal
        open={failures !== undefined}
        onCancel={closeFailures}
        onOk={closeFailures}
        cancelButtonProps={{ style: { display: 'none' } }}
        okText={t('common.close')}
        width={720}
        title={
          failures &&
          t('bulk.partialTitle', {
            verb: failures.verb,
            ok: formatNumber(failures.ok, lng),
            failed: formatNumber(failures.failed.length, lng),
          })
        }
      >
        {failures && (
          <Table<RowFailure<RecordData>>
            data-testid="bulk-failures"
            size="small"
            rowKey={(f) => f.item.id}
            dataSource={failures.failed}
            pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
            columns={[
              {
                key: 'record',
                title: t('bulk.record'),
                render: (_, f) => (
                  <Link to={`/o/${object}/${f.item.id}`}>{plainText(f.item[nameField] ?? t('record.untitled'))}</Link>
                ),
              },
              { key: 'reason', title: t('bulk.reason'), render: (_, f) => f.message },
            ]}
          />
        )}
      </Modal>
    </Space>
  );
}
