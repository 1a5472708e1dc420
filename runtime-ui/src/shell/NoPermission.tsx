import { Result } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Messages } from '../i18n/en';
import { LinkButton } from './LinkButton';

/** A system permission a page can need (its name is in the locale files). */
export type SystemPermissionName = keyof Messages['permission']['names'];

/**
 * A page the user may not open: which system permission it needs, said plainly, instead of an
 * empty screen or a bare 403 (the engine refuses the data anyway).
 */
export function NoPermission({ permission }: { permission: SystemPermissionName }) {
  const { t } = useTranslation();
  return (
    <div className="tessera-page" data-testid="no-permission">
      <Result
        status="403"
        title={
          <h2 style={{ fontSize: 20, margin: 0 }}>
            {t('permission.needed', { permission: t(`permission.names.${permission}`) })}
          </h2>
        }
        subTitle={t('permission.askAdmin')}
        extra={
          <LinkButton to="/" type="primary">
            {t('common.home')}
          </LinkButton>
        }
      />
    </div>
  );
}
