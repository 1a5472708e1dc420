import { Modal, Progress, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../fields/format';

/** How far a bulk action over the selected rows has got: records done of all. */
export interface BulkProgressState {
  done: number;
  total: number;
}

/** A dialog that cannot be closed while a bulk action runs, with its progress. */
export function BulkProgress({ progress }: { progress: BulkProgressState | undefined }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  return (
    <Modal
      open={progress !== undefined}
      title={t('bulk.working')}
      closable={false}
      maskClosable={false}
      keyboard={false}
      footer={null}
    >
      {progress && (
        <div data-testid="bulk-progress">
          <Progress percent={progress.total ? Math.floor((progress.done / progress.total) * 100) : 0} status="active" />
          <Typography.Text type="secondary">
            {t('bulk.progress', { done: formatNumber(progress.done, lng), total: formatNumber(progress.total, lng) })}
          </Typography.Text>
        </div>
      )}
    </Modal>
  );
}
