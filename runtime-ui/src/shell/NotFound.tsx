import { Empty, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { LinkButton } from './LinkButton';

/** A page or record that is not there (or not visible to this user). */
export function NotFound({ detail }: { detail?: string }) {
  const { t } = useTranslation();
  return (
    <div className="tessera-page" style={{ textAlign: 'center', paddingTop: 64 }}>
      <Empty
        description={
          <Typography.Title level={2} style={{ fontSize: 20 }}>
            {t('common.notFound')}
          </Typography.Title>
        }
      />
      {detail && <Typography.Paragraph type="secondary">{detail}</Typography.Paragraph>}
      <LinkButton to="/" type="primary">
        {t('common.home')}
      </LinkButton>
    </div>
  );
}
