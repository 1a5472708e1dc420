import { CheckOutlined, CloseOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { App, Button, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/api-error';
import { decideApproval, delegateApproval, type Approval, type ApprovalTask } from '../api/approvals.api';
import { UserSelect } from '../fields/UserSelect';
import { labelOf } from '../i18n/label';
import { CommentDialog } from './CommentDialog';
import { useAfterApprovalChange } from './use-approvals';

type Act = 'approve' | 'reject' | 'delegate';

/** Why the engine refused, as the dialog shows it. */
const reason = (e: unknown) => new Error(e instanceof ApiError ? e.display : String((e as Error)?.message ?? e));

/**
 * What an approver does with their own pending task: approve or reject with a comment, or hand it
 * to another user (the user picker lists active users; everyone signed in may look users up).
 */
export function TaskActions({
  task,
  approval,
  size,
}: {
  task: ApprovalTask;
  approval: Pick<Approval, 'label' | 'object' | 'recordId'>;
  size?: 'small' | 'middle';
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const after = useAfterApprovalChange();
  const [open, setOpen] = useState<Act>();
  const [delegate, setDelegate] = useState<string>();
  const label = labelOf(approval.label, i18n.language);
  const close = () => {
    setOpen(undefined);
    setDelegate(undefined);
  };
  const decide = (decision: 'approve' | 'reject') => async (comment: string | undefined) => {
    try {
      await decideApproval(task.id, { decision, ...(comment ? { comment } : {}) });
    } catch (e) {
      throw reason(e);
    }
    message.success(t(decision === 'approve' ? 'approval.approved' : 'approval.rejected'));
    after(approval.object, approval.recordId);
  };
  const handOn = async () => {
    if (!delegate) throw new Error(t('approval.pickUser'));
    try {
      await delegateApproval(task.id, delegate);
    } catch (e) {
      throw reason(e);
    }
    message.success(t('approval.delegated'));
    after(approval.object, approval.recordId);
  };
  return (
    <>
      <Space wrap size="small">
        <Button
          type="primary"
          size={size}
          icon={<CheckOutlined />}
          onClick={() => setOpen('approve')}
          data-testid="approve"
        >
          {t('approval.approve')}
        </Button>
        <Button danger size={size} icon={<CloseOutlined />} onClick={() => setOpen('reject')} data-testid="reject">
          {t('approval.reject')}
        </Button>
        <Button size={size} icon={<UserSwitchOutlined />} onClick={() => setOpen('delegate')} data-testid="delegate">
          {t('approval.delegate')}
        </Button>
      </Space>
      {(open === 'approve' || open === 'reject') && (
        <CommentDialog
          title={t(open === 'approve' ? 'approval.approveTitle' : 'approval.rejectTitle', { label })}
          okText={t(open === 'approve' ? 'approval.approve' : 'approval.reject')}
          danger={open === 'reject'}
          onSubmit={decide(open)}
          onClose={close}
        />
      )}
      {open === 'delegate' && (
        <CommentDialog
          title={t('approval.delegateTitle', { label })}
          intro={t('approval.delegateIntro')}
          okText={t('approval.delegate')}
          onSubmit={handOn}
          onClose={close}
          withComment={false}
        >
          <div>
            <UserSelect value={delegate} onChange={setDelegate} ariaLabel={t('approval.delegateTo')} />
          </div>
        </CommentDialog>
      )}
    </>
  );
}
