import {
  AppstoreOutlined,
  DashboardOutlined,
  GiftOutlined,
  HistoryOutlined,
  SafetyOutlined,
  ThunderboltOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';

/** The studio's areas, in the order an admin builds with them. */
const AREAS: { to: string; label: string; icon: ReactNode }[] = [
  { to: '/objects', label: 'studio.nav.objects', icon: <AppstoreOutlined /> },
  { to: '/dashboards', label: 'studio.views.dashboards.nav', icon: <DashboardOutlined /> },
  { to: '/automation', label: 'studio.automation.nav', icon: <ThunderboltOutlined /> },
  { to: '/security', label: 'studio.security.nav', icon: <SafetyOutlined /> },
  { to: '/packs', label: 'studio.packs.nav', icon: <GiftOutlined /> },
  { to: '/releases', label: 'studio.nav.releases', icon: <HistoryOutlined /> },
];

/**
 * The areas as a bar of links under the header (links, so they open in a new tab too), the
 * current one marked for sight and for screen readers (aria-current). On a phone the bar
 * scrolls sideways rather than wrapping.
 */
export function StudioNav() {
  const { t } = useTranslation();
  return (
    <nav aria-label={t('studio.nav.areas')} className="studio-nav">
      {AREAS.map((area) => (
        <NavLink key={area.to} to={area.to} className="studio-nav-link">
          {area.icon} {t(area.label)}
        </NavLink>
      ))}
    </nav>
  );
}
