import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';

/** Said above a plan drawn again because the one the admin confirmed was no longer the draft's (412). */
export function StalePlanAlert({ stale }: { stale: boolean }) {
  const { t } = useTranslation();
  if (!stale) return null;
  return (
    <Alert
      type="warning"
      showIcon
      role="alert"
      data-testid="stale-plan"
      style={{ marginBottom: 16 }}
      title={t('studio.publish.stalePlan.title')}
      description={t('studio.publish.stalePlan.detail')}
    />
  );
}
