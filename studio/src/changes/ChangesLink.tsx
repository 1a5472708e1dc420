import { DiffOutlined } from '@ant-design/icons';
import { Badge, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useDraftChanges } from '../objects/use-studio-data';

/** The header's way to the changes panel, with the number of unpublished changes. */
export function ChangesLink() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const changes = useDraftChanges();
  const count = changes.data?.changes.length ?? 0;
  return (
    <Badge count={count} size="small" offset={[-4, 4]} title={t('studio.changes.badge', { count })}>
      <Button
        type="text"
        icon={<DiffOutlined />}
        data-testid="changes-link"
        // The visible word first, then the number (axe: label-content-name-mismatch).
        aria-label={`${t('studio.nav.changes')}: ${t('studio.changes.badge', { count })}`}
        onClick={() => void navigate('/changes')}
      >
        <span className="tessera-hide-xs">{t('studio.nav.changes')}</span>
      </Button>
    </Badge>
  );
}
