import { useQuery } from '@tanstack/react-query';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Alert, List, Modal, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deleteObject, saveObject, usedBy, type DraftField, type DraftObject } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { useDraftChanged } from '../objects/use-studio-data';

/**
 * Deleting a field or an object, after reading what names it (the engine's used-by: layouts,
 * list views, dashboards, rules, formulas, rollups, workflows, approval processes, permission
 * sets) and how many records hold it. The delete goes to the draft; publishing archives the
 * column or table (restorable), it drops nothing.
 */
export function DeleteDialog({
  object,
  etag,
  field,
  onClose,
  onDeleted,
}: {
  object: DraftObject;
  /** The ETag the object was read with. */
  etag: string;
  field?: DraftField;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const { t, i18n } = useTranslation();
  const draftChanged = useDraftChanged();
  const usage = useQuery({
    queryKey: ['draft', 'used-by', object.apiName, field?.apiName ?? null],
    queryFn: () => usedBy(object.apiName, field?.apiName),
  });
  const [error, setError] = useState<unknown>();
  const [deleting, setDeleting] = useState(false);
  const name = labelOf(field ? field.label : object.label, i18n.language, field?.apiName ?? object.apiName);

  const remove = async () => {
    setDeleting(true);
    setError(undefined);
    try {
      if (field)
        await saveObject(
          object.apiName,
          { ...object, fields: object.fields.filter((f) => f.apiName !== field.apiName) },
          etag,
        );
      else await deleteObject(object.apiName, etag);
      await draftChanged();
      onDeleted();
    } catch (e) {
      setError(e);
    } finally {
      setDeleting(false);
    }
  };

  const data = usage.data;
  return (
    <Modal
      open
      width={640}
      title={t(field ? 'studio.delete.fieldTitle' : 'studio.delete.objectTitle', { name })}
      okText={t('common.delete')}
      okButtonProps={{ danger: true, disabled: !data, 'data-testid': 'confirm-delete' }}
      cancelText={t('common.cancel')}
      confirmLoading={deleting}
      onOk={() => void remove()}
      onCancel={onClose}
    >
      <ProblemAlert error={error ?? usage.error} onReloaded={() => setError(undefined)} />
      {!data ? (
        <Spin />
      ) : (
        <div data-testid="used-by">
          <Alert
            showIcon
            type={data.records ? 'warning' : 'info'}
            style={{ marginBottom: 12 }}
            title={
              !data.published
                ? t('studio.delete.unpublished')
                : t(field ? 'studio.delete.fieldRecords' : 'studio.delete.objectRecords', { count: data.records })
            }
          />
          <Typography.Title level={3} style={{ fontSize: 15 }}>
            {t('studio.delete.usedBy', { count: data.usedBy.length })}
          </Typography.Title>
          {data.usedBy.length ? (
            <List
              size="small"
              bordered
              dataSource={data.usedBy}
              renderItem={(u) => (
                <List.Item>
                  <span>
                    <Tag>{t(`studio.usage.kinds.${u.kind}`)}</Tag>
                    <code>{u.object && u.kind !== 'object' ? `${u.object}.${u.apiName}` : u.apiName}</code>
                  </span>
                  <Typography.Text type="secondary">
                    {u.places.map((p) => t(`studio.usage.places.${p}`)).join(', ')}
                  </Typography.Text>
                </List.Item>
              )}
            />
          ) : (
            <Typography.Paragraph>{t('studio.delete.nothing')}</Typography.Paragraph>
          )}
          {data.usedBy.length > 0 && (
            <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
              {t(field ? 'studio.delete.fieldFollows' : 'studio.delete.objectFollows')}
            </Typography.Paragraph>
          )}
        </div>
      )}
    </Modal>
  );
}
