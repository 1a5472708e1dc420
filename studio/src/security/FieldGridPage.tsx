import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Alert, Button, Checkbox, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { DraftField } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { useDraftChanged, useObjects } from '../objects/use-studio-data';
import { effective, fieldAccess, sameSet, withFieldAccess, writesFields } from './matrix';
import { saveItem, type PermissionSet } from './security.api';
import { usePermissionSets } from './use-security-data';

/**
 * Field-level security of one object: its fields × every permission set, read and edit. A field a
 * set does not name follows the set's object access (drawn in grey italics); only differences are
 * stored. "Save" writes each changed set with the ETag it was read with.
 */
export default function FieldGridPage() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const objects = useObjects();
  const sets = usePermissionSets();
  const changed = useDraftChanged();
  const [params, setParams] = useSearchParams();
  const objectName = params.get('object') ?? objects.data?.[0]?.apiName;
  const object = objects.data?.find((o) => o.apiName === objectName);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  // Ticks belong to the copy they were made on: once the draft is read again, they start over from it.
  // After a 412 and "Reload", `kept` carries the ticks over onto the fresh copies (and their ETags).
  const [local, setLocal] = useState<{ from?: unknown; sets: Record<string, PermissionSet>; kept?: boolean }>({
    sets: {},
  });
  const fresh = Object.fromEntries((sets.data ?? []).map((s) => [s.item.apiName, s.item]));
  const edited: Record<string, PermissionSet> =
    local.from === sets.data
      ? local.sets
      : local.kept
        ? // This screen's part (field rules) onto the fresh copies; the rest is what was saved meanwhile.
          {
            ...fresh,
            ...Object.fromEntries(
              Object.entries(local.sets)
                .filter(([name]) => fresh[name])
                .map(([name, set]) => [name, { ...fresh[name]!, fields: set.fields }]),
            ),
          }
        : fresh;
  const setEdited = (next: Record<string, PermissionSet>) => {
    setLocal({ from: sets.data, sets: next });
    setSaved(false);
  };
  const dirty = (sets.data ?? []).filter((s) => edited[s.item.apiName] && !sameSet(edited[s.item.apiName]!, s.item));

  if (sets.error) return <ProblemAlert error={sets.error} />;
  const saveAll = async () => {
    setSaving(true);
    setError(undefined);
    try {
      // One set after another: a refusal stops there and names its set; those before it are saved.
      for (const s of dirty) await saveItem('permission-sets', s.item.apiName, edited[s.item.apiName]!, s.etag);
      setSaved(true);
      setLocal({ sets: {} });
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
      await changed();
    }
  };

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <label htmlFor="fls-object">{t('studio.objects.label')}</label>
        <Select
          id="fls-object"
          style={{ minWidth: 220 }}
          loading={objects.isPending}
          value={objectName}
          onChange={(v: string) => setParams({ object: v })}
          options={objects.data?.map((o) => ({ value: o.apiName, label: labelOf(o.label, lng, o.apiName) }))}
        />
        <Button
          type="primary"
          data-testid="save-fields"
          disabled={!dirty.length}
          loading={saving}
          onClick={() => void saveAll()}
        >
          {t('common.save')}
        </Button>
      </Space>
      <Typography.Paragraph type="secondary">{t('studio.security.fieldsHelp')}</Typography.Paragraph>
      <ProblemAlert
        error={error}
        onReloaded={() => {
          // Only the sets changed here: the others take the fresh copy, with whatever changed meanwhile.
          setLocal({
            sets: Object.fromEntries(dirty.map((d) => [d.item.apiName, edited[d.item.apiName]!])),
            kept: true,
          });
          setError(undefined);
        }}
      />
      {saved && !dirty.length && (
        <Alert
          type="success"
          showIcon
          role="status"
          style={{ marginBottom: 12 }}
          title={t('studio.security.savedToDraft')}
        />
      )}
      <Table<DraftField>
        data-testid="field-grid"
        rowKey="apiName"
        size="small"
        loading={objects.isPending || sets.isPending}
        dataSource={object?.fields}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          { key: 'field', title: t('studio.fields.label'), render: (_, f) => labelOf(f.label, lng, f.apiName) },
          ...(sets.data ?? []).map(({ item }) => ({
            key: item.apiName,
            title: labelOf(item.label, lng, item.apiName),
            render: (_: unknown, f: DraftField) => {
              const set = edited[item.apiName];
              if (!set || !object) return null;
              const access = fieldAccess(set, object.apiName, f.apiName);
              // Field access never goes beyond the object's: without object edit, no field is editable.
              const grant = effective(set.objects?.[object.apiName]);
              const names = { set: labelOf(item.label, lng, item.apiName), field: labelOf(f.label, lng, f.apiName) };
              const update = (change: { read?: boolean; edit?: boolean }) =>
                setEdited({ ...edited, [item.apiName]: withFieldAccess(set, object.apiName, f.apiName, change) });
              return (
                <Space size={4} style={access.listed ? undefined : { fontStyle: 'italic', color: '#595959' }}>
                  <Checkbox
                    aria-label={t('studio.security.fieldRead', names)}
                    checked={access.read}
                    disabled={!grant.read}
                    onChange={(e) => update({ read: e.target.checked })}
                  >
                    {t('studio.security.read')}
                  </Checkbox>
                  <Checkbox
                    aria-label={t('studio.security.fieldEdit', names)}
                    checked={access.edit}
                    disabled={!writesFields(grant)}
                    onChange={(e) => update({ edit: e.target.checked })}
                  >
                    {t('studio.security.edit')}
                  </Checkbox>
                </Space>
              );
            },
          })),
        ]}
      />
    </>
  );
}
