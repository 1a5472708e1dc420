import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { useRouteError } from 'react-router';

/** A screen that threw: say so, and offer a reload (a new release may have replaced its chunk). */
export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError() as Error | undefined;
  return (
    <Result
      status="error"
      title={t('common.error')}
      subTitle={error?.message}
      extra={<Button type="primary" onClick={() => window.location.reload()}>{t('common.reload')}</Button>}
    />
  );
}
