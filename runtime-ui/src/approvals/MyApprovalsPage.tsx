import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Skeleton, Space, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ApiError } from '../api/api-error';
import type { MyApprovalTask } from '../api/approvals.api';
import { useRecordNames } from '../automation/use-runs';
import { labelOf } from '../i18n/label';
import { useMeta } from '../metadata/use-metadata';
import { exactTime, timeAgo } from '../shell/time-ago';
import { TaskActions } from './TaskActions';
import { useMyApprovals, useUserName } from './use-approvals';

function Submitter({ id }: { id: string }) {
  return <>{useUserName(id)}</>;
}

/** One task: the record (linked), the process and step, who submitted it when and why, and the answers. */
function TaskCard({ task, name }: { task: MyApprovalTask; name: string | undefined }) {
  const { t, i18n } = useTranslation();
  const meta = useMeta();
  const { approval } = task;
  const object = meta.object(approval.object);
  const label = labelOf(approval.label, i18n.language, approval.process);
  const recordName = name || `${approval.recordId.slice(0, 8)}…`;
  return (
    <Card size="small" style={{ marginBottom: 12 }} data-testid="my-approval" data-record={approval.recordId}>
      <Typography.Text type="secondary">{labelOf(object?.label, i18n.language, approval.object)}</Typography.Text>
      <Typography.Title level={3} style={{ margin: 0, fontSize: 16 }} className="tessera-wrap">
        {object ? <Link to={`/o/${approval.object}/${approval.recordId}`}>{recordName}</Link> : recordName}
      </Typography.Title>
      <Space size={4} wrap style={{ margin: '4px 0' }}>
        <Typography.Text strong>{label}</Typography.Text>
        {task.stepName && (
          <Typography.Text type="secondary">{t('approval.stepName', { step: task.stepName })}</Typography.Text>
        )}
      </Space>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('approval.submittedBy')} <Submitter id={approval.submittedBy} /> ·{' '}
        <time dateTime={approval.submittedAt} title={exactTime(approval.submittedAt)}>
          {timeAgo(approval.submittedAt)}
        </time>
        {task.delegatedFrom && (
          <>
            {' · '}
            {t('approval.delegatedBy')} <Submitter id={task.delegatedFrom} />
          </>
        )}
      </Typography.Paragraph>
      {approval.comment && (
        <Typography.Paragraph className="tessera-wrap" style={{ margin: '4px 0 0' }}>
          “{approval.comment}”
        </Typography.Paragraph>
      )}
      <div style={{ marginTop: 8 }}>
        <TaskActions task={task} approval={approval} />
      </div>
    </Card>
  );
}

/**
 * "My approvals": the signed-in user's pending approval tasks, oldest first, each with its record,
 * process, step, submitter and comment, answered right here (approve, reject, delegate).
 */
export default function MyApprovalsPage() {
  const { t } = useTranslation();
  const meta = useMeta();
  const tasks = useMyApprovals();
  const records = useMemo(
    () => (tasks.data ?? []).map((task) => ({ object: task.approval.object, recordId: task.approval.recordId })),
    [tasks.data],
  );
  const names = useRecordNames(meta, records);
  return (
    <div className="tessera-page" style={{ maxWidth: 880 }}>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%', marginBottom: 12 }}>
        <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
          {t('approval.mine')}
        </Typography.Title>
        <Button icon={<ReloadOutlined />} onClick={() => void tasks.refetch()} loading={tasks.isRefetching}>
          {t('automation.refresh')}
        </Button>
      </Space>
      {tasks.error && (
        <Alert type="error" showIcon title={(tasks.error as ApiError).display} style={{ marginBottom: 12 }} />
      )}
      {tasks.isPending ? (
        <Card>
          <Skeleton active />
        </Card>
      ) : tasks.data?.length ? (
        <div data-testid="my-approvals">
          {tasks.data.map((task) => (
            <TaskCard key={task.id} task={task} name={names.get(task.approval.recordId)} />
          ))}
        </div>
      ) : (
        !tasks.error && (
          <Card>
            <Empty description={t('approval.mineNone')} data-testid="my-approvals-empty" />
          </Card>
        )
      )}
    </div>
  );
}
