import { useQuery } from '@tanstack/react-query';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Button, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../app/ProblemAlert';
import { TAG_COLORS } from '../publish/tag-colors';
import { rowActions, type RowAction } from './pack-plan';
import { PackStepDialog } from './PackStepDialog';
import { listPacks, type PackEntry } from './packs.api';

/**
 * The packs of the engine's packs folder and what this tenant installed; each row offers the
 * steps its state allows, and each step opens its plan before anything runs.
 */
export default function PacksPage() {
  const { t, i18n } = useTranslation();
  const packs = useQuery({ queryKey: ['packs'], queryFn: listPacks });
  const [running, setRunning] = useState<{ pack: PackEntry; action: RowAction }>();

  return (
    <div className="tessera-page">
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('studio.packs.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('studio.packs.intro')}</Typography.Paragraph>
      <ProblemAlert error={packs.error} />
      <Table<PackEntry>
        data-testid="packs-table"
        rowKey="name"
        loading={packs.isPending}
        dataSource={packs.data}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: t('studio.packs.none') }}
        columns={[
          {
            title: t('studio.packs.label'),
            key: 'label',
            render: (_, p) => (
              <>
                <Typography.Text strong>{labelOf(p.label, i18n.language, p.name)}</Typography.Text>
                {p.description && <div style={{ color: 'rgba(0,0,0,0.65)' }}>{p.description}</div>}
              </>
            ),
          },
          { title: t('studio.packs.name'), dataIndex: 'name', render: (name: string) => <code>{name}</code> },
          { title: t('studio.packs.available'), dataIndex: 'available', render: (v?: string) => v ?? '—' },
          {
            title: t('studio.packs.installed'),
            key: 'installed',
            render: (_, p) =>
              p.installed ? (
                <Space size={4} data-testid={`installed-${p.name}`}>
                  {p.installed.version}
                  <Tag color={p.installed.state === 'installed' ? TAG_COLORS.safe : undefined}>
                    {t(`studio.packs.state.${p.installed.state}`)}
                  </Tag>
                </Space>
              ) : (
                <span data-testid={`installed-${p.name}`}>{t('studio.packs.notInstalled')}</span>
              ),
          },
          {
            title: t('studio.packs.dependencies'),
            key: 'dependencies',
            render: (_, p) =>
              Object.entries(p.dependencies).map(([ns, range]) => (
                <Tag key={ns}>
                  {ns} {range}
                </Tag>
              )),
          },
          {
            title: t('studio.packs.problem'),
            dataIndex: 'problem',
            render: (problem?: string) => problem && <Typography.Text type="danger">{problem}</Typography.Text>,
          },
          {
            title: t('studio.packs.actions'),
            key: 'actions',
            render: (_, p) => (
              <Space size={4} wrap>
                {rowActions(p).map((action) => (
                  <Button
                    key={action.kind}
                    danger={action.kind === 'uninstall'}
                    type={action.kind === 'uninstall' ? 'default' : 'primary'}
                    data-testid={`${action.kind}-${p.name}`}
                    aria-label={`${t(`studio.packs.step.${action.kind}`)} ${labelOf(p.label, i18n.language, p.name)}`}
                    onClick={() => setRunning({ pack: p, action })}
                  >
                    {t(`studio.packs.step.${action.kind}`)}
                  </Button>
                ))}
              </Space>
            ),
          },
        ]}
      />
      {running && <PackStepDialog pack={running.pack} action={running.action} onClose={() => setRunning(undefined)} />}
    </div>
  );
}
