import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { useQuery } from '@tanstack/react-query';
import { Alert, Descriptions, Form, List, Select, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../app/ProblemAlert';
import { useObjects } from '../objects/use-studio-data';
import { explainAccess, findRecords, findUsers } from './security.api';

/**
 * "Why can this user see this record": an object, one of its records (searched by name) and a
 * user; the answer is the engine's own (GET /records/{object}/{id}/access?user=…), whose verdicts
 * come from the SQL every request uses, told in plain words.
 */
export default function ExplainPage() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const objects = useObjects();
  const [objectName, setObjectName] = useState<string>();
  const [recordId, setRecordId] = useState<string>();
  const [userId, setUserId] = useState<string>();
  const [recordText, setRecordText] = useState('');
  const [userText, setUserText] = useState('');
  const object = objects.data?.find((o) => o.apiName === objectName);
  const nameField = object?.nameField ?? 'name';

  const records = useQuery({
    queryKey: ['explain', 'records', objectName, recordText],
    queryFn: ({ signal }) => findRecords(objectName!, nameField, recordText, signal),
    enabled: !!objectName,
  });
  const users = useQuery({
    queryKey: ['explain', 'users', userText],
    queryFn: ({ signal }) => findUsers(userText, signal),
  });
  const answer = useQuery({
    queryKey: ['explain', 'access', objectName, recordId, userId],
    queryFn: () => explainAccess(objectName!, recordId!, userId!),
    enabled: !!objectName && !!recordId && !!userId,
  });
  const a = answer.data;
  const verdict = (can: boolean, what: 'read' | 'edit' | 'delete') =>
    t(`studio.security.explain.${can ? 'can' : 'cannot'}.${what}`, { user: a?.user.name });

  return (
    <>
      <Typography.Paragraph type="secondary">{t('studio.security.explain.help')}</Typography.Paragraph>
      <Form layout="vertical" style={{ maxWidth: 560 }}>
        <Form.Item label={t('studio.objects.label')} htmlFor="explain-object">
          <Select
            id="explain-object"
            loading={objects.isPending}
            value={objectName}
            onChange={(v: string) => {
              setObjectName(v);
              setRecordId(undefined);
              setRecordText('');
            }}
            options={objects.data?.map((o) => ({ value: o.apiName, label: labelOf(o.label, lng, o.apiName) }))}
          />
        </Form.Item>
        <Form.Item label={t('studio.security.explain.record')} htmlFor="explain-record">
          <Select
            id="explain-record"
            showSearch={{ filterOption: false, onSearch: setRecordText }}
            disabled={!objectName}
            loading={records.isFetching}
            value={recordId}
            onChange={(v: string) => setRecordId(v)}
            notFoundContent={records.error ? <ProblemAlert error={records.error} /> : undefined}
            options={records.data?.map((r) => ({
              value: r.id,
              label: typeof r[nameField] === 'string' ? r[nameField] : r.id,
            }))}
          />
        </Form.Item>
        <Form.Item label={t('studio.security.explain.user')} htmlFor="explain-user">
          <Select
            id="explain-user"
            showSearch={{ filterOption: false, onSearch: setUserText }}
            loading={users.isFetching}
            value={userId}
            onChange={(v: string) => setUserId(v)}
            options={users.data?.map((u) => ({ value: u.id, label: `${u.name} <${u.email}>` }))}
          />
        </Form.Item>
      </Form>
      <ProblemAlert error={answer.error} />
      {a && (
        <div data-testid="access-answer" aria-live="polite">
          <Alert
            type={a.read ? 'success' : 'warning'}
            showIcon
            style={{ marginBottom: 12 }}
            title={verdict(a.read, 'read')}
            description={
              <>
                <div>{verdict(a.edit, 'edit')}</div>
                <div>{verdict(a.delete, 'delete')}</div>
              </>
            }
          />
          <Descriptions
            size="small"
            column={1}
            style={{ marginBottom: 12 }}
            items={[
              {
                key: 'objectPermissions',
                label: t('studio.security.explain.objectPermissions'),
                children: Object.entries(a.objectPermissions)
                  .filter(([, on]) => on)
                  .map(([p]) => <Tag key={p}>{t(`studio.security.actions.${p}`)}</Tag>),
              },
            ]}
          />
          <Typography.Title level={2} style={{ fontSize: 16 }}>
            {t('studio.security.explain.why')}
          </Typography.Title>
          <List
            data-testid="access-reasons"
            size="small"
            bordered
            locale={{ emptyText: t('studio.security.explain.noReason') }}
            dataSource={a.grants}
            renderItem={(g) => (
              <List.Item>
                <span>
                  <Tag>{t(`studio.security.explain.access.${g.access}`)}</Tag>
                  {t(`studio.security.explain.reasons.${g.reason}`, {
                    // The org-wide default comes as its code: said as the object pages say it.
                    detail:
                      g.reason === 'orgWideDefault' && g.detail ? t(`studio.sharing.${g.detail}`) : (g.detail ?? ''),
                  })}
                </span>
              </List.Item>
            )}
          />
        </div>
      )}
    </>
  );
}
