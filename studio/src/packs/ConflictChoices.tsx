import { Descriptions, List, Radio, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { showValue } from './pack-plan';
import type { PackConflict, Resolution } from './packs.api';

/**
 * The upgrade's conflicts — a property the admin and the new version both changed differently —
 * each with the value before, the admin's and the new version's, and the choice of which stays.
 */
export function ConflictChoices({
  conflicts,
  choices,
  onChoose,
}: {
  conflicts: PackConflict[];
  choices: Record<string, Resolution>;
  onChoose: (key: string, choice: Resolution) => void;
}) {
  const { t } = useTranslation();
  if (!conflicts.length) return null;
  return (
    <>
      <Typography.Title level={3} style={{ fontSize: 15 }}>
        {t('studio.packs.conflicts', { count: conflicts.length })}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('studio.packs.conflictHelp')}</Typography.Paragraph>
      <List
        size="small"
        bordered
        style={{ marginBottom: 16 }}
        data-testid="pack-conflicts"
        dataSource={conflicts}
        renderItem={(c) => (
          <List.Item data-testid={`conflict-${c.key}`}>
            <div style={{ width: '100%' }}>
              <Typography.Text strong>
                {t('studio.packs.conflictOf', { item: c.apiName, path: c.path })}
              </Typography.Text>
              <Descriptions
                size="small"
                column={1}
                style={{ margin: '8px 0' }}
                items={[
                  { key: 'base', label: t('studio.packs.base'), children: <code>{showValue(c.base)}</code> },
                  {
                    key: 'mine',
                    label: t('studio.packs.mine'),
                    children: <code data-testid="conflict-mine">{showValue(c.mine)}</code>,
                  },
                  {
                    key: 'theirs',
                    label: t('studio.packs.theirs'),
                    children: <code data-testid="conflict-theirs">{showValue(c.theirs)}</code>,
                  },
                ]}
              />
              <Radio.Group
                aria-label={t('studio.packs.choiceFor', { key: `${c.apiName} ${c.path}` })}
                value={choices[c.key]}
                onChange={(e) => onChoose(c.key, e.target.value as Resolution)}
                options={[
                  { value: 'keepMine', label: t('studio.packs.keepMine') },
                  { value: 'takeTheirs', label: t('studio.packs.takeTheirs') },
                ]}
              />
            </div>
          </List.Item>
        )}
      />
    </>
  );
}
