import { List, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { MetadataChange } from '../api/studio.api';
import { TAG_COLORS } from './tag-colors';

/** Changes between two versions of the metadata, each with its kind, name, former name and changed properties. */
export function ChangeList({ changes, testId }: { changes: MetadataChange[]; testId?: string }) {
  const { t } = useTranslation();
  return (
    <List
      size="small"
      bordered
      style={{ marginBottom: 16 }}
      data-testid={testId}
      dataSource={changes}
      renderItem={(c) => (
        <List.Item>
          <span>
            <Tag color={TAG_COLORS[c.change]}>{t(`studio.publish.change.${c.change}`)}</Tag>
            {t(`studio.publish.kind.${c.kind}`, { defaultValue: c.kind })}{' '}
            <code>{c.object ? `${c.object}.${c.apiName}` : c.apiName}</code>
            {c.from && (
              <>
                {' '}
                ← <code>{c.from}</code>
              </>
            )}
            {c.properties && c.properties.length > 0 && (
              <Typography.Text type="secondary">
                {' '}
                {t('studio.changes.properties', { names: c.properties.join(', ') })}
              </Typography.Text>
            )}
          </span>
        </List.Item>
      )}
    />
  );
}
