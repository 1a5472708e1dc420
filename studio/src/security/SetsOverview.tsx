import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Button, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DraftObject } from '../api/studio.api';
import { effective } from './matrix';
import { OBJECT_ACTIONS, type PermissionSet, type Tagged } from './security.api';

/**
 * Every permission set against every object at a glance, as the engine grants them (implied
 * flags included); a set's heading opens it in the matrix below for editing.
 */
export function SetsOverview({
  sets,
  objects,
  loading,
  onOpen,
}: {
  sets: readonly Tagged<PermissionSet>[];
  objects: readonly DraftObject[];
  loading: boolean;
  onOpen: (apiName: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  return (
    // Scrolled by its own box, not the table's scroll.x: antd's hidden measure row would copy the
    // headings' buttons into an aria-hidden row (axe: aria-hidden-focus).
    <div style={{ overflowX: 'auto', marginBottom: 24 }}>
      <Table<DraftObject>
        data-testid="sets-overview"
        rowKey="apiName"
        size="small"
        loading={loading}
        dataSource={[...objects]}
        pagination={false}
        columns={[
          { key: 'object', title: t('studio.objects.label'), render: (_, o) => labelOf(o.label, lng, o.apiName) },
          ...sets.map(({ item }) => ({
            key: item.apiName,
            title: (
              <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onOpen(item.apiName)}>
                {labelOf(item.label, lng, item.apiName)}
              </Button>
            ),
            render: (_: unknown, o: DraftObject) => {
              const grant = effective(item.objects?.[o.apiName]);
              const held = OBJECT_ACTIONS.filter((a) => grant[a]);
              return held.length ? (
                held.map((a) => t(`studio.security.actions.${a}`)).join(', ')
              ) : (
                <span style={{ color: '#595959' }}>—</span>
              );
            },
          })),
        ]}
      />
    </div>
  );
}
