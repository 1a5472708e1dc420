import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

export default function NotFound() {
  const { t } = useTranslation();
  return (
    <Result
      status="404"
      title={t('studio.notFound')}
      extra={
        <Link to="/objects">
          <Button type="primary">{t('studio.nav.objects')}</Button>
        </Link>
      }
    />
  );
}
