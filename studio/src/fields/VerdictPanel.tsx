import { Alert, Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TypeVerdict } from './type-verdict';

/**
 * The planner's verdict on a type change now in the draft: safe, lossy (records that would lose
 * their value, archived at publish after a confirmation) or blocked; keep it, or undo it.
 */
export function VerdictPanel({
  verdict,
  busy,
  onKeep,
  onUndo,
}: {
  verdict: TypeVerdict;
  busy: boolean;
  onKeep: () => void;
  onUndo: () => void;
}) {
  const { t } = useTranslation();
  const type = { safe: 'success', lossy: 'warning', blocked: 'error', failed: 'error' } as const;
  const text =
    verdict.verdict === 'safe'
      ? t('studio.typeChange.safe')
      : verdict.verdict === 'lossy'
        ? t('studio.typeChange.lossy', { count: verdict.rows })
        : verdict.verdict === 'blocked'
          ? t('studio.typeChange.blocked', { reason: verdict.reason })
          : t('studio.typeChange.failed', { reason: verdict.reason });
  const steps = 'steps' in verdict ? verdict.steps : [];
  return (
    <Alert
      data-testid="type-verdict"
      data-verdict={verdict.verdict}
      type={type[verdict.verdict]}
      showIcon
      title={t(`studio.typeChange.title.${verdict.verdict}`)}
      description={
        <>
          <p style={{ marginTop: 0 }}>{text}</p>
          {steps.length > 0 && (
            <ul>
              {steps.map((s, i) => (
                <li key={i}>
                  <code>{s.description}</code>
                </li>
              ))}
            </ul>
          )}
          <Space>
            {(verdict.verdict === 'safe' || verdict.verdict === 'lossy') && (
              <Button type="primary" onClick={onKeep} disabled={busy}>
                {t('studio.typeChange.keep')}
              </Button>
            )}
            <Button onClick={onUndo} loading={busy}>
              {t('studio.typeChange.undo')}
            </Button>
          </Space>
        </>
      }
    />
  );
}
