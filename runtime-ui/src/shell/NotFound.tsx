import { Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { LinkButton } from './LinkButton';

export function NotFound({ detail }: { detail?: string }) {
  const { t } = useTranslation();
  return <Result status="404" title={t('common.notFound')} subTitle={detail} extra={<LinkButton to="/" type="primary">{t('common.home')}</LinkButton>} />;
}
