import { List, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { TAG_COLORS } from '../publish/tag-colors';
import { actionKey, byAction, pathsText } from './pack-plan';
import type { ItemAction, PackItem } from './packs.api';

const COLORS: Record<ItemAction, string | undefined> = {
  add: TAG_COLORS.added,
  update: TAG_COLORS.changed,
  remove: TAG_COLORS.removed,
  keepDeleted: TAG_COLORS.renamed,
  unchanged: undefined,
};

/**
 * What the step does to each item of the pack, in words: added, updated (with where the pack's
 * changes landed, where the admin's were kept, what was set back), stays deleted, unchanged.
 */
export function PackItems({ items }: { items: PackItem[] }) {
  const { t } = useTranslation();
  if (!items.length) return null;
  const paths = (list: string[]) => pathsText(list, t('studio.packs.whole'));
  return (
    <>
      <Typography.Title level={3} style={{ fontSize: 15 }}>
        {t('studio.packs.items', { count: items.length })}
      </Typography.Title>
      <List
        size="small"
        bordered
        style={{ marginBottom: 16 }}
        data-testid="pack-items"
        dataSource={byAction(items)}
        renderItem={(item) => (
          <List.Item data-testid={`pack-item-${item.apiName}`} data-action={item.action}>
            <span>
              <Tag color={COLORS[item.action]}>{t(actionKey(item.action))}</Tag>
              {t(`studio.publish.kind.${item.kind}`, { defaultValue: item.kind })} <code>{item.apiName}</code>
              {item.taken.length > 0 && (
                <div>
                  <Typography.Text type="secondary">
                    {t('studio.packs.taken', { paths: paths(item.taken) })}
                  </Typography.Text>
                </div>
              )}
              {item.kept.length > 0 && (
                <div>
                  <Typography.Text type="secondary">
                    {t('studio.packs.kept', { paths: paths(item.kept) })}
                  </Typography.Text>
                </div>
              )}
              {item.reset.length > 0 && (
                <div>
                  <Typography.Text type="secondary">
                    {t('studio.packs.reset', { paths: paths(item.reset) })}
                  </Typography.Text>
                </div>
              )}
            </span>
          </List.Item>
        )}
      />
    </>
  );
}
