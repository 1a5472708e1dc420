import { Alert, Checkbox, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TypeVerdict } from './type-verdict';

/**
 * The planner's verdict on a field's change, shown before anything is saved: safe, lossy (records
 * that would lose their value, archived at publish) — saved only once the admin ticks that they
 * accept it — or blocked, which cannot be saved.
 */
export function VerdictPanel({
  verdict,
  confirmed,
  onConfirm,
}: {
  /** Undefined while the planner is asked. */
  verdict: TypeVerdict | undefined;
  confirmed: boolean;
  onConfirm: (confirmed: boolean) => void;
}) {
  const { t } = useTranslation();
  if (!verdict)
    return (
      <Alert
        data-testid="type-verdict"
        data-verdict="checking"
        type="info"
        style={{ marginBottom: 16 }}
        title={
          <span>
            <Spin size="small" style={{ marginInlineEnd: 8 }} />
            {t('studio.typeChange.checking')}
          </span>
        }
      />
    );
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
      role={verdict.verdict === 'safe' ? 'status' : 'alert'}
      style={{ marginBottom: 16 }}
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
          {verdict.verdict === 'lossy' && (
            <Checkbox
              data-testid="confirm-lossy-field"
              checked={confirmed}
              onChange={(e) => onConfirm(e.target.checked)}
            >
              {t('studio.typeChange.confirmLossy', { count: verdict.rows })}
            </Checkbox>
          )}
        </>
      }
    />
  );
}
