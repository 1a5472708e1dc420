import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Alert, Button, Checkbox, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { DraftObject } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { useObjects } from '../objects/use-studio-data';
import { effective, implied, sameSet, withObjectFlag, withSystem } from './matrix';
import { PermissionSetDialog } from './PermissionSetDialog';
import { SetsOverview } from './SetsOverview';
import { OBJECT_ACTIONS, SYSTEM_PERMISSIONS, type PermissionSet, type Tagged } from './security.api';
import { usePermissionSets, useSaveItem } from './use-security-data';

/**
 * One permission set's object permissions (objects × read … modify all) and system permissions.
 * In Tessera only permission sets carry grants (a role places a user in the hierarchy), so the
 * matrix is per set. Ticks are kept here until "Save", which writes the set to the draft with the
 * ETag it was read with.
 */
export default function ObjectMatrixPage() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const sets = usePermissionSets();
  const objects = useObjects();
  const [params, setParams] = useSearchParams();
  const chosen = params.get('set') ?? sets.data?.[0]?.item.apiName;
  const tagged = sets.data?.find((s) => s.item.apiName === chosen);
  // Ticks belong to the copy they were made on: a fresh read (another set chosen, or the draft
  // read again after a save) starts from what the engine holds.
  // After a 412 and "Reload", `kept` carries the ticks over onto the fresh copy (and its ETag),
  // as the stale notice promises: what was entered stays, to save again.
  const [local, setLocal] = useState<{ from?: Tagged<PermissionSet>; set?: PermissionSet; kept?: boolean }>({});
  const carried = local.kept && local.set?.apiName === tagged?.item.apiName;
  // Carried over: this screen's part (object and system permissions) onto the fresh copy, whose
  // other properties (label, description, field rules) keep what the other admin saved.
  const edited =
    local.from === tagged
      ? local.set
      : carried && tagged && local.set
        ? { ...tagged.item, objects: local.set.objects, system: local.set.system }
        : tagged?.item;
  const save = useSaveItem<PermissionSet>('permission-sets');
  const [creating, setCreating] = useState(false);
  const dirty = !!edited && !!tagged && !sameSet(edited, tagged.item);

  if (sets.error) return <ProblemAlert error={sets.error} />;
  const change = (next: PermissionSet) => setLocal({ from: tagged, set: next });

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <label htmlFor="matrix-set">{t('studio.security.permissionSet')}</label>
        <Select
          id="matrix-set"
          style={{ minWidth: 240 }}
          loading={sets.isPending}
          value={chosen}
          onChange={(v: string) => setParams({ set: v })}
          options={sets.data?.map(({ item }) => ({
            value: item.apiName,
            label: labelOf(item.label, lng, item.apiName),
          }))}
        />
        <Button
          type="primary"
          data-testid="save-matrix"
          disabled={!dirty}
          loading={save.isPending}
          onClick={() =>
            edited &&
            tagged &&
            save.mutate(
              { apiName: tagged.item.apiName, item: edited, etag: tagged.etag },
              { onSuccess: () => setLocal({}) },
            )
          }
        >
          {t('common.save')}
        </Button>
        <Button data-testid="new-permission-set" onClick={() => setCreating(true)}>
          {t('studio.security.sets.new')}
        </Button>
      </Space>
      {creating && (
        <PermissionSetDialog
          onClose={() => setCreating(false)}
          onCreated={(apiName) => {
            setCreating(false);
            setParams({ set: apiName });
          }}
        />
      )}
      <Typography.Paragraph type="secondary">{t('studio.security.matrixHelp')}</Typography.Paragraph>
      <ProblemAlert
        error={save.error}
        onReloaded={() => {
          setLocal((l) => ({ ...l, kept: true }));
          save.reset();
        }}
      />
      {save.isSuccess && save.variables.apiName === chosen && !dirty && (
        <Alert
          type="success"
          showIcon
          role="status"
          style={{ marginBottom: 12 }}
          title={t('studio.security.savedToDraft')}
        />
      )}
      <Table<DraftObject>
        data-testid="object-matrix"
        rowKey="apiName"
        size="small"
        loading={objects.isPending || sets.isPending}
        dataSource={objects.data}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          {
            key: 'object',
            title: t('studio.objects.label'),
            render: (_, o) => labelOf(o.label, lng, o.apiName),
          },
          ...OBJECT_ACTIONS.map((action) => ({
            key: action,
            title: t(`studio.security.actions.${action}`),
            align: 'center' as const,
            render: (_: unknown, o: DraftObject) => {
              const stored = edited?.objects?.[o.apiName];
              const lockedOn = implied(stored)[action];
              const label = t('studio.security.flagLabel', {
                action: t(`studio.security.actions.${action}`),
                object: labelOf(o.label, lng, o.apiName),
              });
              return (
                <Checkbox
                  aria-label={label}
                  checked={effective(stored)[action]}
                  disabled={!edited || lockedOn}
                  title={lockedOn ? t('studio.security.impliedHint') : undefined}
                  onChange={(e) => edited && change(withObjectFlag(edited, o.apiName, action, e.target.checked))}
                />
              );
            },
          })),
        ]}
      />
      <Typography.Title level={2} style={{ fontSize: 16, marginTop: 24 }}>
        {t('studio.security.systemTitle')}
      </Typography.Title>
      <Space orientation="vertical" data-testid="system-permissions">
        {SYSTEM_PERMISSIONS.map((p) => (
          <Checkbox
            key={p}
            checked={!!edited?.system?.includes(p)}
            disabled={!edited}
            onChange={(e) => edited && change(withSystem(edited, p, e.target.checked))}
          >
            <strong>{t(`studio.security.system.${p}`)}</strong>{' '}
            <Typography.Text type="secondary">{t(`studio.security.systemHelp.${p}`)}</Typography.Text>
          </Checkbox>
        ))}
      </Space>
      <Typography.Title level={2} style={{ fontSize: 16, marginTop: 24 }}>
        {t('studio.security.overviewTitle')}
      </Typography.Title>
      <SetsOverview
        sets={sets.data ?? []}
        objects={objects.data ?? []}
        loading={sets.isPending || objects.isPending}
        onOpen={(apiName) => {
          setParams({ set: apiName });
          window.scrollTo({ top: 0 });
        }}
      />
    </>
  );
}
