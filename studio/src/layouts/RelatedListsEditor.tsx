import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Alert, Button, Card, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DraftObject } from '../api/studio.api';
import { errorsUnder } from './layout-draft';
import type { LayoutDef, RelatedListDef } from './layouts.api';

/**
 * The lists of child records below the sections: a child object, its lookup that points at this
 * object, and the child's fields shown as columns. Only lookups to this object are offered.
 */
export function RelatedListsEditor({
  layout,
  objects,
  errors,
  onChange,
}: {
  layout: LayoutDef;
  objects: DraftObject[];
  errors: { field: string; message: string }[] | undefined;
  onChange: (layout: LayoutDef) => void;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const lists = layout.relatedLists ?? [];
  // Every (child object, lookup) pair that points at the layout's object.
  const links = objects.flatMap((o) =>
    o.fields.filter((f) => f.target === layout.object).map((f) => ({ object: o, field: f })),
  );
  const set = (next: RelatedListDef[]) => {
    const { relatedLists: _before, ...rest } = layout;
    onChange(next.length ? { ...rest, relatedLists: next } : rest);
  };
  const update = (i: number, change: Partial<RelatedListDef>) =>
    set(lists.map((l, j) => (j === i ? { ...l, ...change } : l)));
  return (
    <Card size="small" title={t('studio.layouts.relatedLists')} style={{ marginBottom: 12 }}>
      {lists.map((list, i) => {
        const child = objects.find((o) => o.apiName === list.object);
        const problems = errorsUnder(errors, `/relatedLists/${i}`);
        return (
          <div key={list.id ?? i} data-testid={`related-${i}`} style={{ marginBottom: 8 }}>
            {problems.length > 0 && (
              <Alert type="error" showIcon title={problems.join(' ')} style={{ marginBottom: 4 }} />
            )}
            <Space wrap>
              <Select
                style={{ minWidth: 220 }}
                aria-label={t('studio.layouts.relatedVia', { n: i + 1 })}
                value={`${list.object}.${list.field}`}
                options={links.map((l) => ({
                  value: `${l.object.apiName}.${l.field.apiName}`,
                  label: `${labelOf(l.object.pluralLabel, lng, l.object.apiName)} · ${labelOf(l.field.label, lng, l.field.apiName)}`,
                }))}
                onChange={(v: string) => {
                  const [object = '', field = ''] = v.split('.');
                  const target = objects.find((o) => o.apiName === object);
                  update(i, { object, field, columns: target ? [target.nameField] : [] });
                }}
              />
              <Select
                mode="multiple"
                style={{ minWidth: 260 }}
                aria-label={t('studio.layouts.relatedColumns', { n: i + 1 })}
                value={list.columns}
                options={(child?.fields ?? []).map((f) => ({
                  value: f.apiName,
                  label: labelOf(f.label, lng, f.apiName),
                }))}
                onChange={(columns: string[]) => update(i, { columns })}
              />
              <Button
                danger
                type="text"
                icon={<DeleteOutlined />}
                aria-label={t('studio.layouts.removeRelated', { n: i + 1 })}
                onClick={() => set(lists.filter((_, j) => j !== i))}
              />
            </Space>
          </div>
        );
      })}
      <Button
        icon={<PlusOutlined />}
        disabled={!links.length}
        onClick={() => {
          const first = links[0]!;
          set([
            ...lists,
            { object: first.object.apiName, field: first.field.apiName, columns: [first.object.nameField] },
          ]);
        }}
      >
        {links.length ? t('studio.layouts.addRelated') : t('studio.layouts.noRelated')}
      </Button>
    </Card>
  );
}
