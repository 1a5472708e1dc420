import { BuildOutlined } from '@ant-design/icons';
import { Button, Grid } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMeta } from '../metadata/use-metadata';

/**
 * The way to the studio (/studio, its own app: a full page load) for those who may change the
 * metadata; others never see it.
 */
export function StudioLink() {
  const { t } = useTranslation();
  const meta = useMeta();
  const screens = Grid.useBreakpoint();
  if (!meta.hasSystem('manageMetadata')) return null;
  return (
    <Button
      type="text"
      href="/studio/"
      icon={<BuildOutlined />}
      aria-label={screens.md ? undefined : t('shell.studio')}
      data-testid="studio-link"
    >
      {screens.md ? t('shell.studio') : null}
    </Button>
  );
}
