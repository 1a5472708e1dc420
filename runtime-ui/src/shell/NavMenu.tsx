import { AuditOutlined, DashboardOutlined, DatabaseOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { Badge, Menu } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { useMyApprovals } from '../approvals/use-approvals';
import { labelOf } from '../i18n/label';
import { useMeta } from '../metadata/use-metadata';

/**
 * The user's approval queue first (with how many tasks wait), then one entry per object the user
 * may read, and one per dashboard: all from metadata. Setup pages follow for those whose system
 * permissions (from /auth/me) let them in.
 */
export function NavMenu({ onNavigate }: { onNavigate?: () => void }) {
  const { t, i18n } = useTranslation();
  const meta = useMeta();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const selected = /^\/(o\/[^/]+|dashboards\/[^/]+)/.exec(pathname)?.[0] ?? pathname;
  const waiting = useMyApprovals().data?.length ?? 0;
  const items = [
    {
      key: '/approvals',
      icon: <AuditOutlined />,
      label: (
        <span data-testid="nav-approvals" data-count={waiting}>
          {t('approval.mine')}
          {waiting > 0 && (
            <Badge
              count={waiting}
              size="small"
              overflowCount={99}
              style={{ marginInlineStart: 8 }}
              title={t('approval.waitingCount', { count: waiting })}
            />
          )}
        </span>
      ),
    },
    ...(meta.dashboards.length
      ? [
          {
            type: 'group' as const,
            label: t('nav.dashboards'),
            children: meta.dashboards.map((d) => ({
              key: `/dashboards/${d.apiName}`,
              icon: <DashboardOutlined />,
              label: labelOf(d.label, i18n.language),
            })),
          },
        ]
      : []),
    {
      type: 'group' as const,
      label: t('nav.objects'),
      children: meta.objects.map((o) => ({
        key: `/o/${o.apiName}`,
        icon: <DatabaseOutlined />,
        label: labelOf(o.pluralLabel, i18n.language),
      })),
    },
    ...(meta.hasSystem('manageMetadata')
      ? [
          {
            type: 'group' as const,
            label: t('nav.setup'),
            children: [{ key: '/automation/runs', icon: <ThunderboltOutlined />, label: t('nav.automationRuns') }],
          },
        ]
      : []),
  ];
  return (
    <nav aria-label={t('nav.main')}>
      <Menu
        mode="inline"
        selectedKeys={[selected]}
        items={items}
        onClick={({ key }) => {
          void navigate(key);
          onNavigate?.();
        }}
        style={{ borderInlineEnd: 0 }}
      />
    </nav>
  );
}
