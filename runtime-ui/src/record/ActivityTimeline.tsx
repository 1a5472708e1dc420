import { CheckSquareOutlined, FileTextOutlined, PhoneOutlined, TeamOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Empty, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { listRecords } from '../api/records.api';
import { formatDate, formatDateTime, picklistLabel, plainText } from '../fields/format';
import { useMeta } from '../metadata/use-metadata';

const ICONS: Record<string, React.ReactNode> = {
  call: <PhoneOutlined />,
  task: <CheckSquareOutlined />,
  note: <FileTextOutlined />,
  meeting: <TeamOutlined />,
};

/** Activities linked to this record, newest first. */
export function ActivityTimeline({ object, recordId }: { object: string; recordId: string }) {
  const { t, i18n } = useTranslation();
  const meta = useMeta();
  const linked = { and: [{ related_object: { eq: object } }, { related_record_id: { eq: recordId } }] };
  const filter = object === 'contact' ? { or: [linked, { contact: { eq: recordId } }] } : linked;
  const activities = useQuery({
    queryKey: ['records', 'activity', 'timeline', object, recordId],
    queryFn: ({ signal }) =>
      listRecords(
        'activity',
        { filter, fields: 'subject,activity_type,status,due_date,description', limit: 50 },
        signal,
      ),
    enabled: !!meta.object('activity'),
  });
  const type = meta.field('activity', 'activity_type');
  const status = meta.field('activity', 'status');
  const rows = activities.data?.data ?? [];
  if (!activities.isPending && rows.length === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('activity.none')} />;
  return (
    <Timeline
      data-testid="activity-timeline"
      items={rows.map((a) => ({
        key: a.id,
        icon: ICONS[String(a.activity_type)] ?? <FileTextOutlined />,
        title: <Link to={`/o/activity/${a.id}`}>{String(a.subject)}</Link>,
        content: (
          <>
            <Typography.Text type="secondary">
              {[
                type && picklistLabel(type, String(a.activity_type), i18n.language),
                status && a.status ? picklistLabel(status, plainText(a.status), i18n.language) : null,
                a.due_date ? formatDate(plainText(a.due_date)) : formatDateTime(String(a.created_at)),
              ]
                .filter(Boolean)
                .join(' · ')}
            </Typography.Text>
            {a.description ? (
              <div className="tessera-wrap" style={{ whiteSpace: 'pre-wrap' }}>
                {plainText(a.description)}
              </div>
            ) : null}
          </>
        ),
      }))}
    />
  );
}
