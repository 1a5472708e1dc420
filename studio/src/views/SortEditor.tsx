import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Segmented, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { sortKeys, sortString } from './view-draft';

/** The view's order: fields with a direction each, first key first; the engine checks the fields. */
export function SortEditor({
  sort,
  onChange,
  fields,
}: {
  sort: string | undefined;
  onChange: (sort: string | undefined) => void;
  fields: { value: string; label: string }[];
}) {
  const { t } = useTranslation();
  const keys = sortKeys(sort);
  const set = (next: typeof keys) => onChange(sortString(next));
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="sort-editor">
      {keys.map((k, i) => (
        <Space key={i} wrap>
          <Select
            aria-label={t('studio.views.sortField', { n: i + 1 })}
            showSearch={{ optionFilterProp: 'label' }}
            value={k.field}
            style={{ minWidth: 180 }}
            onChange={(field) => set(keys.map((x, j) => (j === i ? { ...x, field } : x)))}
            options={fields}
          />
          <Segmented
            aria-label={t('studio.views.direction')}
            value={k.desc ? 'desc' : 'asc'}
            onChange={(d) => set(keys.map((x, j) => (j === i ? { ...x, desc: d === 'desc' } : x)))}
            options={[
              { value: 'asc', label: t('studio.views.ascending') },
              { value: 'desc', label: t('studio.views.descending') },
            ]}
          />
          <Button
            type="text"
            danger
            icon={<DeleteOutlined />}
            aria-label={t('studio.views.removeSort')}
            onClick={() => set(keys.filter((_, j) => j !== i))}
          />
        </Space>
      ))}
      <Button
        icon={<PlusOutlined />}
        disabled={fields.length === 0}
        onClick={() => set([...keys, { field: fields[0]!.value, desc: false }])}
      >
        {t('studio.views.addSort')}
      </Button>
    </Space>
  );
}
