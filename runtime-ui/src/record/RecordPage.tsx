import { DeleteOutlined, EditOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Popconfirm, Row, Skeleton, Space, Tabs, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { ApiError } from '../api/api-error';
import { ApprovalPanel } from '../approvals/ApprovalPanel';
import { editRefusal, isLocked } from '../approvals/approval-state';
import { APPROVAL_KEYS, useRecordApprovals } from '../approvals/use-approvals';
import { useSession } from '../auth/use-session';
import { deleteRecord } from '../api/records.api';
import { FIELD_UI } from '../fields/field-ui';
import { labelOf } from '../i18n/label';
import { useMeta } from '../metadata/use-metadata';
import { addRecentItem } from '../search/recent-items';
import { NotFound } from '../shell/NotFound';
import { ActivityTimeline } from './ActivityTimeline';
import { FieldHistory, useFieldHistory } from './FieldHistory';
import { Highlights } from './Highlights';
import { QuickLog } from './QuickLog';
import { RecordSections } from './RecordSections';
import { RecordWorkflows } from './RecordWorkflows';
import { RelatedList } from './RelatedList';
import { StagePath } from './StagePath';
import { useRecord } from './use-record';
import { LinkButton } from '../shell/LinkButton';
import { plainText } from '../fields/format';

/**
 * A record page built from the object's layout: highlights, stage path, sections, related lists, activity, history;
 * the object's manual workflows as buttons in the header; its approval (ApprovalPanel). While an approval is
 * pending the record is locked: a banner says so and, but for admins (whom the engine lets through), nothing
 * invites an edit.
 */
export default function RecordPage() {
  const { object = '', id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const meta = useMeta();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const obj = meta.object(object);
  const record = useRecord(object, id);
  const history = useFieldHistory(object, id);
  const { user } = useSession();
  const approvals = useRecordApprovals(object, id);
  const name = record.data && obj ? plainText(record.data[obj.nameField] ?? t('record.untitled')) : '';
  useEffect(() => {
    if (record.data && obj) addRecentItem({ object, id, name });
  }, [record.data, obj, object, id, name]);

  if (!obj) return <NotFound />;
  if (record.error) return <NotFound detail={(record.error as ApiError).display} />;
  if (!record.data)
    return (
      <div className="tessera-page">
        <Card>
          <Skeleton active />
        </Card>
      </div>
    );

  const data = record.data;
  const layout = meta.layout(object);
  const stages = obj.fields.filter((f) => FIELD_UI[f.type].choice === 'one' && f.isStage);
  const locked = isLocked(approvals.data);
  // The engine refuses a non-admin's edit of a locked record (409 approvalPending): the page does not offer one.
  const lockedForMe = locked && !user?.isAdmin;
  const canEdit = meta.can(object, 'edit') && !lockedForMe;
  const remove = async () => {
    try {
      await deleteRecord(object, id);
      message.success(t('record.deleted'));
      void queryClient.invalidateQueries({ queryKey: ['records', object] });
      void navigate(`/o/${object}`);
    } catch (e) {
      message.error(editRefusal(e, t));
      void queryClient.invalidateQueries({ queryKey: APPROVAL_KEYS.record(object, id) });
    }
  };
  const showActivity = !!meta.object('activity') && object !== 'activity';
  // Beside the activity when there is a side column, else above the tabs.
  const approvalPanel = user && obj.approvals && (
    <ApprovalPanel object={object} recordId={id} user={user} canEdit={meta.can(object, 'edit')} />
  );

  return (
    <div className="tessera-page">
      <Card style={{ marginBottom: 12 }}>
        <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
          <div style={{ minWidth: 0 }}>
            <Link to={`/o/${object}`}>
              <Typography.Text type="secondary">{labelOf(obj.label, i18n.language)}</Typography.Text>
            </Link>
            <Typography.Title
              level={2}
              style={{ margin: 0, fontSize: 22 }}
              className="tessera-wrap"
              data-testid="record-title"
            >
              {name}
            </Typography.Title>
          </div>
          <Space wrap>
            {meta.manualWorkflows(object).length > 0 && <RecordWorkflows object={object} record={data} name={name} />}
            {meta.can(object, 'edit') && (
              <LinkButton
                to={`/o/${object}/${id}/edit`}
                icon={<EditOutlined />}
                disabled={lockedForMe}
                title={lockedForMe ? t('approval.locked') : undefined}
              >
                {t('common.edit')}
              </LinkButton>
            )}
            {meta.can(object, 'delete') && (
              <Popconfirm
                title={t('record.confirmDelete')}
                onConfirm={remove}
                okButtonProps={{ danger: true }}
                disabled={lockedForMe}
              >
                <Button
                  danger
                  icon={<DeleteOutlined />}
                  disabled={lockedForMe}
                  title={lockedForMe ? t('approval.locked') : undefined}
                >
                  {t('common.delete')}
                </Button>
              </Popconfirm>
            )}
          </Space>
        </Space>
        {locked && (
          <Alert
            type="warning"
            showIcon
            style={{ marginTop: 12 }}
            title={t('approval.locked')}
            description={t(user?.isAdmin ? 'approval.lockedAdmin' : 'approval.lockedHelp')}
            data-testid="approval-locked"
          />
        )}
        {layout?.highlights && (
          <div style={{ marginTop: 12 }}>
            <Highlights object={object} record={data} fields={layout.highlights} />
          </div>
        )}
        {stages.map((f) => (
          <StagePath key={f.apiName} object={object} record={data} field={f} editable={canEdit && !f.readOnly} />
        ))}
      </Card>
      <Row gutter={12}>
        <Col xs={24} lg={showActivity ? 16 : 24}>
          {!showActivity && approvalPanel}
          <Tabs
            items={[
              {
                key: 'details',
                label: t('record.details'),
                children: <RecordSections object={object} record={data} layout={layout} />,
              },
              ...(layout?.relatedLists?.length
                ? [
                    {
                      key: 'related',
                      label: t('record.related'),
                      children: (
                        <>
                          {layout.relatedLists.map((r) => (
                            <RelatedList key={r.id} parentId={id} related={r} />
                          ))}
                        </>
                      ),
                    },
                  ]
                : []),
              ...(history.data
                ? [
                    {
                      key: 'history',
                      label: t('record.history'),
                      children: <FieldHistory object={object} entries={history.data} />,
                    },
                  ]
                : []),
            ]}
          />
        </Col>
        {showActivity && (
          <Col xs={24} lg={8}>
            {approvalPanel}
            <Card size="small" title={t('record.activity')} style={{ marginBottom: 12 }}>
              <QuickLog object={object} recordId={id} />
            </Card>
            <Card size="small">
              <ActivityTimeline object={object} recordId={id} />
            </Card>
          </Col>
        )}
      </Row>
    </div>
  );
}
