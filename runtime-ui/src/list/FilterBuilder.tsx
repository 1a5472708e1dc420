import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Segmented, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FilterOperator } from '../api/metadata.api';
import { labelOf } from '../i18n/label';
import { useMeta } from '../metadata/use-metadata';
import { emptyGroup, newCondition, updateNode, type FilterCondition, type FilterGroup } from './filter-model';
import { FilterValueInput } from './FilterValueInput';

interface Props {
  object: string;
  value: FilterGroup;
  onChange: (group: FilterGroup) => void;
}

/**
 * and/or groups of conditions (one level of nesting); each field offers only the operators the engine accepts for it.
 */
export function FilterBuilder({ object, value, onChange }: Props) {
  return <GroupEditor object={object} group={value} root={value} onChange={onChange} depth={0} />;
}

function GroupEditor({
  object,
  group,
  root,
  onChange,
  depth,
}: {
  object: string;
  group: FilterGroup;
  root: FilterGroup;
  onChange: (g: FilterGroup) => void;
  depth: number;
}) {
  const { t } = useTranslation();
  const meta = useMeta();
  const fields = (meta.object(object)?.fields ?? []).filter((f) => f.operators.length > 0);
  const replace = (next: FilterGroup) => onChange(group.id === root.id ? next : updateNode(root, group.id, () => next));
  const first = fields[0];
  return (
    <Card
      size="small"
      style={{ background: depth ? '#fafafa' : undefined }}
      data-testid={depth ? 'filter-subgroup' : 'filter-root'}
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <Segmented
            aria-label={t('filter.combine')}
            value={group.op}
            onChange={(op) => replace({ ...group, op: op as 'and' | 'or' })}
            options={[
              { value: 'and', label: t('filter.and') },
              { value: 'or', label: t('filter.or') },
            ]}
          />
          {depth > 0 && (
            <Button
              type="text"
              danger
              icon={<DeleteOutlined />}
              aria-label={t('filter.removeGroup')}
              onClick={() => onChange(updateNode(root, group.id, () => null))}
            />
          )}
        </Space>
        {group.children.map((child) =>
          child.kind === 'group' ? (
            <GroupEditor
              key={child.id}
              object={object}
              group={child}
              root={root}
              onChange={onChange}
              depth={depth + 1}
            />
          ) : (
            <ConditionRow
              key={child.id}
              object={object}
              condition={child}
              onChange={(c) => onChange(updateNode(root, child.id, () => c))}
            />
          ),
        )}
        <Space wrap>
          <Button
            icon={<PlusOutlined />}
            disabled={!first}
            onClick={() => replace({ ...group, children: [...group.children, newCondition(first!)] })}
          >
            {t('filter.addCondition')}
          </Button>
          {depth === 0 && (
            <Button
              icon={<PlusOutlined />}
              onClick={() =>
                replace({
                  ...group,
                  children: [
                    ...group.children,
                    { ...emptyGroup(group.op === 'and' ? 'or' : 'and'), children: first ? [newCondition(first)] : [] },
                  ],
                })
              }
            >
              {t('filter.addGroup')}
            </Button>
          )}
        </Space>
      </Space>
    </Card>
  );
}

function ConditionRow({
  object,
  condition,
  onChange,
}: {
  object: string;
  condition: FilterCondition;
  onChange: (c: FilterCondition | null) => void;
}) {
  const { t, i18n } = useTranslation();
  const meta = useMeta();
  const fields = (meta.object(object)?.fields ?? []).filter((f) => f.operators.length > 0);
  const field = meta.field(object, condition.field);
  const fieldLabel = field ? labelOf(field.label, i18n.language) : condition.field;
  return (
    <Space wrap align="start" data-testid="filter-condition">
      <Select
        aria-label={t('filter.field')}
        showSearch={{ optionFilterProp: 'label' }}
        value={condition.field}
        style={{ minWidth: 160 }}
        onChange={(name) => onChange(newCondition(meta.field(object, name)!))}
        options={fields.map((f) => ({ value: f.apiName, label: labelOf(f.label, i18n.language) }))}
      />
      <Select
        aria-label={t('filter.operator')}
        value={condition.operator}
        style={{ minWidth: 130 }}
        onChange={(operator: FilterOperator) =>
          onChange({ ...condition, operator, value: operator === 'isNull' ? true : undefined })
        }
        options={(field?.operators ?? []).map((op) => ({ value: op, label: t(`operator.${op}`) }))}
      />
      {field && (
        <FilterValueInput
          field={field}
          operator={condition.operator}
          value={condition.value}
          onChange={(value) => onChange({ ...condition, value })}
          label={fieldLabel}
        />
      )}
      <Button
        type="text"
        danger
        icon={<DeleteOutlined />}
        aria-label={t('filter.removeCondition')}
        onClick={() => onChange(null)}
      />
    </Space>
  );
}
