import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useRouteError } from 'react-router';

/** A screen that threw: say so, and offer a reload (a new release may have replaced its chunk). */
export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError() as Error | undefined;
  return (
    <div className="tessera-page">
      <Alert
        type="error"
        showIcon
        title={t('common.error')}
        description={error?.message}
        action={<Button onClick={() => window.location.reload()}>{t('common.reload')}</Button>}
      />
    </div>
  );
}
