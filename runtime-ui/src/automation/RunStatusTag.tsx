import { SyncOutlined } from '@ant-design/icons';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RunStatus } from '../api/automation.api';
import { STATUS_COLORS } from './run-format';

/** A run's (or an action attempt's) status as a coloured tag; a running one spins. */
export function RunStatusTag({ status }: { status: RunStatus }) {
  const { t } = useTranslation();
  const c = STATUS_COLORS[status];
  return (
    <Tag
      icon={status === 'running' || status === 'retrying' ? <SyncOutlined spin /> : undefined}
      style={{ color: c.text, background: c.background, borderColor: c.border, marginInlineEnd: 0 }}
      data-status={status}
    >
      {t(`automation.statuses.${status}`)}
    </Tag>
  );
}
