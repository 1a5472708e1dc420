import { Checkbox, Empty, List, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ChangeList } from './ChangeList';
import type { PlanEntry } from '../api/studio.api';
import type { PublishPreview } from './publish-plan';
import { TAG_COLORS } from './tag-colors';

/**
 * A dry run of a publish or a rollback: the changes, the schema steps (lossy ones marked with the
 * rows they touch, blocked ones with why), and the confirmation lossy steps need.
 */
export function PlanPreview({
  preview,
  confirmed,
  onConfirmed,
  nothing,
}: {
  preview: PublishPreview;
  confirmed: boolean;
  onConfirmed: (on: boolean) => void;
  /** What an empty plan means here; "nothing to publish" unless said. */
  nothing?: string;
}) {
  const { t } = useTranslation();
  if (preview.state === 'nothing') return <Empty description={nothing ?? t('studio.publish.nothing')} />;
  return (
    <div data-testid="publish-plan">
      {preview.diff.length > 0 && (
        <>
          <Typography.Title level={3} style={{ fontSize: 15 }}>
            {t('studio.publish.changes', { count: preview.diff.length })}
          </Typography.Title>
          <ChangeList changes={preview.diff} />
        </>
      )}
      <Typography.Title level={3} style={{ fontSize: 15 }}>
        {t('studio.publish.steps', { count: preview.plan.length })}
      </Typography.Title>
      <PlanSteps plan={preview.plan} />
      {preview.state === 'confirm' && (
        <Checkbox
          style={{ marginTop: 16 }}
          checked={confirmed}
          onChange={(e) => onConfirmed(e.target.checked)}
          data-testid="confirm-lossy"
        >
          {t('studio.publish.confirmLossy', { count: preview.lossyRows })}
        </Checkbox>
      )}
    </div>
  );
}

/** The schema steps of a plan: safe, lossy with the rows it touches, or blocked with why. */
export function PlanSteps({ plan }: { plan: PlanEntry[] }) {
  const { t } = useTranslation();
  return plan.length ? (
    <List
      size="small"
      bordered
      dataSource={plan}
      renderItem={(p) => (
        <List.Item>
          <span>
            {p.blocked ? (
              <Tag color={TAG_COLORS.blocked}>{t('studio.publish.blocked')}</Tag>
            ) : p.lossy ? (
              <Tag color={TAG_COLORS.lossy}>{t('studio.publish.lossy', { count: p.rows ?? 0 })}</Tag>
            ) : (
              <Tag color={TAG_COLORS.safe}>{t('studio.publish.safe')}</Tag>
            )}
            <code>{p.description}</code>
            {p.blocked && <div>{p.blocked}</div>}
          </span>
        </List.Item>
      )}
    />
  ) : (
    <Typography.Paragraph type="secondary">{t('studio.publish.noSteps')}</Typography.Paragraph>
  );
}
