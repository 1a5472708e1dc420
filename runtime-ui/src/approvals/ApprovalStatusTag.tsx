import { CheckCircleOutlined, ClockCircleOutlined, CloseCircleOutlined, RollbackOutlined } from '@ant-design/icons';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ApprovalStatus, TaskStatus } from '../api/approvals.api';

const LOOK: Record<ApprovalStatus | TaskStatus, { color: string; icon?: React.ReactNode }> = {
  pending: { color: 'processing', icon: <ClockCircleOutlined /> },
  approved: { color: 'success', icon: <CheckCircleOutlined /> },
  rejected: { color: 'error', icon: <CloseCircleOutlined /> },
  recalled: { color: 'default', icon: <RollbackOutlined /> },
  skipped: { color: 'default' },
  reassigned: { color: 'default' },
};

/** An approval's or a task's status as a coloured tag with an icon (the word says it too). */
export function ApprovalStatusTag({ status }: { status: ApprovalStatus | TaskStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={LOOK[status].color} icon={LOOK[status].icon} data-testid="approval-status" data-status={status}>
      {t(`approval.status.${status}`)}
    </Tag>
  );
}
