import { Alert, Input, Modal, Typography } from 'antd';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A dialog for an approval act with an optional comment (submit, approve, reject, recall): the
 * comment box, and the engine's refusal shown inside it, so nothing typed is lost.
 */
export function CommentDialog({
  title,
  intro,
  okText,
  danger,
  onSubmit,
  onClose,
  children,
  withComment = true,
}: {
  title: string;
  intro?: string;
  okText: string;
  danger?: boolean;
  /** Resolves when done (the dialog closes); a thrown error's text is shown in the dialog. */
  onSubmit: (comment: string | undefined) => Promise<void>;
  onClose: () => void;
  /** More inputs above the comment (the delegate's user picker). */
  children?: React.ReactNode;
  /** false: no comment box (the engine takes none for a delegation). */
  withComment?: boolean;
}) {
  const { t } = useTranslation();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const commentId = useId();
  const ok = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(comment.trim() || undefined);
      onClose();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={title}
      okText={okText}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger, 'data-testid': 'approval-dialog-ok' }}
      confirmLoading={busy}
      onOk={() => void ok()}
      onCancel={onClose}
      destroyOnHidden
    >
      {intro && <Typography.Paragraph>{intro}</Typography.Paragraph>}
      {children}
      {withComment && (
        <>
          <label htmlFor={commentId} style={{ display: 'block', marginBottom: 4 }}>
            {t('approval.comment')}
          </label>
          <Input.TextArea
            id={commentId}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            maxLength={2000}
            autoSize={{ minRows: 2, maxRows: 6 }}
            placeholder={t('approval.commentPlaceholder')}
          />
        </>
      )}
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginTop: 12 }} />}
    </Modal>
  );
}
