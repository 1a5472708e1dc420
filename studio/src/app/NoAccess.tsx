import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';

/** What a signed-in user without manageMetadata sees at /studio: why, and the way back. */
export function NoAccess() {
  const { t } = useTranslation();
  return (
    <div className="tessera-page" data-testid="studio-no-access">
      <Result
        status="403"
        title={<h1 style={{ fontSize: 20, margin: 0 }}>{t('studio.noAccess.title')}</h1>}
        subTitle={t('studio.noAccess.detail')}
        extra={
          <Button type="primary" href="/">
            {t('studio.backToApp')}
          </Button>
        }
      />
    </div>
  );
}
