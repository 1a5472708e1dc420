import { RollbackOutlined, SendOutlined } from '@ant-design/icons';
import { App, Button, Card, Collapse, Empty, Skeleton, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/api-error';
import { recallApproval, submitForApproval, type Approval, type ApprovalTask } from '../api/approvals.api';
import type { SessionUser } from '../api/auth.api';
import { labelOf } from '../i18n/label';
import { exactTime, timeAgo } from '../shell/time-ago';
import { decisions, pendingTaskOf, splitApprovals, submitRefusal, waitingOn } from './approval-state';
import { ApprovalStatusTag } from './ApprovalStatusTag';
import { CommentDialog } from './CommentDialog';
import { TaskActions } from './TaskActions';
import { useAfterApprovalChange, useRecordApprovals, useUserName } from './use-approvals';

/** A time as "3 minutes ago", the exact time on hover. */
function When({ at }: { at: string }) {
  return (
    <time dateTime={at} title={exactTime(at)}>
      {timeAgo(at)}
    </time>
  );
}

function UserName({ id }: { id: string }) {
  return <>{useUserName(id)}</>;
}

/** One answer: who, approved / rejected / handed on (to whom), the comment, when. */
function Decision({ task, tasks }: { task: ApprovalTask; tasks: ApprovalTask[] }) {
  const { t } = useTranslation();
  const handedTo = task.status === 'reassigned' ? tasks.find((x) => x.delegatedFrom === task.approverId) : undefined;
  return (
    <li data-testid="approval-decision" style={{ marginBottom: 6 }}>
      <Space size={4} wrap>
        <Typography.Text strong>
          <UserName id={task.approverId} />
        </Typography.Text>
        <ApprovalStatusTag status={task.status} />
        {handedTo && (
          <Typography.Text type="secondary">
            {t('approval.handedTo')} <UserName id={handedTo.approverId} />
          </Typography.Text>
        )}
        {task.decidedAt && (
          <Typography.Text type="secondary">
            <When at={task.decidedAt} />
          </Typography.Text>
        )}
      </Space>
      {task.comment && (
        <Typography.Paragraph className="tessera-wrap" style={{ margin: 0 }} data-testid="approval-decision-comment">
          “{task.comment}”
        </Typography.Paragraph>
      )}
    </li>
  );
}

/** One approval: its process, status, step, who submitted it and when, who is asked, the answers. */
function ApprovalSummary({ approval }: { approval: Approval }) {
  const { t, i18n } = useTranslation();
  const waiting = waitingOn(approval);
  const answers = decisions(approval);
  return (
    <div data-testid="approval-summary" data-approval-status={approval.status}>
      <Space size={4} wrap style={{ marginBottom: 4 }}>
        <ApprovalStatusTag status={approval.status} />
        <Typography.Text strong>{labelOf(approval.label, i18n.language, approval.process)}</Typography.Text>
        {approval.stepName && approval.status === 'pending' && (
          <Typography.Text type="secondary">{t('approval.stepName', { step: approval.stepName })}</Typography.Text>
        )}
      </Space>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('approval.submittedBy')} <UserName id={approval.submittedBy} /> · <When at={approval.submittedAt} />
        {approval.finishedAt && (
          <>
            {' · '}
            {t(`approval.finished.${approval.status}`)} <When at={approval.finishedAt} />
          </>
        )}
      </Typography.Paragraph>
      {approval.comment && (
        <Typography.Paragraph className="tessera-wrap" style={{ margin: '4px 0 0' }}>
          “{approval.comment}”
        </Typography.Paragraph>
      )}
      {waiting.length > 0 && (
        <Typography.Paragraph style={{ margin: '4px 0 0' }} data-testid="approval-waiting">
          {t('approval.waitingOn')}{' '}
          {waiting.map((id, i) => (
            <span key={id}>
              {i > 0 && ', '}
              <UserName id={id} />
            </span>
          ))}
        </Typography.Paragraph>
      )}
      {answers.length > 0 && (
        <ul style={{ listStyle: 'none', padding: 0, margin: '8px 0 0' }} aria-label={t('approval.decisions')}>
          {answers.map((task) => (
            <Decision key={task.id} task={task} tasks={approval.tasks} />
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The record's approval on its page: the newest one (status, process, step, who is asked, each
 * answer), the earlier ones folded below; "Submit for approval" for those who may edit the record
 * when none is pending, "Recall" for the submitter (or an admin) while it is, and the user's own
 * task's Approve / Reject / Delegate. The engine decides which process takes the record, and says
 * so when none does.
 */
export function ApprovalPanel({
  object,
  recordId,
  user,
  canEdit,
}: {
  object: string;
  recordId: string;
  user: SessionUser;
  canEdit: boolean;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const approvals = useRecordApprovals(object, recordId);
  const after = useAfterApprovalChange();
  const [dialog, setDialog] = useState<'submit' | 'recall'>();

  if (approvals.error && (approvals.error as ApiError).status === 404) return null;
  const { current, earlier } = splitApprovals(approvals.data ?? []);
  const pending = current?.status === 'pending';
  const mine = pendingTaskOf(current, user.id);
  const mayRecall = pending && (current.submittedBy === user.id || user.isAdmin);

  const submit = async (comment: string | undefined) => {
    try {
      await submitForApproval(object, recordId, comment ? { comment } : {});
    } catch (e) {
      // A refusal that the panel is out of date (someone submitted meanwhile) shows the newest state too.
      after(object, recordId);
      throw new Error(submitRefusal(e, t));
    }
    message.success(t('approval.submitted'));
    after(object, recordId);
  };
  const recall = async (comment: string | undefined) => {
    try {
      await recallApproval(object, recordId, comment ? { comment } : {});
    } catch (e) {
      after(object, recordId);
      throw new Error((e as ApiError).display ?? String(e));
    }
    message.success(t('approval.recalledDone'));
    after(object, recordId);
  };

  return (
    <Card
      size="small"
      title={t('approval.title')}
      style={{ marginBottom: 12 }}
      data-testid="approval-panel"
      extra={
        <Space size="small" wrap>
          {!pending && canEdit && approvals.data && (
            <Button
              size="small"
              icon={<SendOutlined />}
              onClick={() => setDialog('submit')}
              data-testid="submit-approval"
            >
              {t('approval.submit')}
            </Button>
          )}
          {mayRecall && (
            <Button size="small" icon={<RollbackOutlined />} onClick={() => setDialog('recall')} data-testid="recall">
              {t('approval.recall')}
            </Button>
          )}
        </Space>
      }
    >
      {approvals.isPending ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : approvals.error ? (
        <Typography.Text type="danger">{(approvals.error as ApiError).display}</Typography.Text>
      ) : !current ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('approval.none')} style={{ margin: 8 }} />
      ) : (
        <>
          <ApprovalSummary approval={current} />
          {mine && (
            <div style={{ marginTop: 12 }} data-testid="my-task">
              <Typography.Paragraph style={{ marginBottom: 6 }}>{t('approval.yourTurn')}</Typography.Paragraph>
              <TaskActions task={mine} approval={current} size="small" />
            </div>
          )}
          {earlier.length > 0 && (
            <Collapse
              ghost
              size="small"
              style={{ marginTop: 8 }}
              items={[
                {
                  key: 'earlier',
                  label: t('approval.earlier', { count: earlier.length }),
                  children: (
                    <Space
                      orientation="vertical"
                      size="middle"
                      style={{ width: '100%' }}
                      data-testid="approval-history"
                    >
                      {earlier.map((a) => (
                        <ApprovalSummary key={a.id} approval={a} />
                      ))}
                    </Space>
                  ),
                },
              ]}
            />
          )}
        </>
      )}
      {dialog === 'submit' && (
        <CommentDialog
          title={t('approval.submitTitle')}
          intro={t('approval.submitIntro')}
          okText={t('approval.submit')}
          onSubmit={submit}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog === 'recall' && current && (
        <CommentDialog
          title={t('approval.recallTitle', { label: labelOf(current.label, i18n.language, current.process) })}
          intro={t('approval.recallIntro')}
          okText={t('approval.recall')}
          danger
          onSubmit={recall}
          onClose={() => setDialog(undefined)}
        />
      )}
    </Card>
  );
}
