import { DeleteOutlined, HolderOutlined, PlusOutlined } from '@ant-design/icons';
import { DndContext } from '@dnd-kit/core';
import { arrayMove, SortableContext, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { PicklistTag } from '@tessera/runtime-ui/fields/PicklistTag';
import { Button, Checkbox, ColorPicker, Input, Radio, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { choiceProblems, newRow, suggestedValue, type ChoiceRow } from './choices';
import { useSortableList } from '../app/use-sortable-list';

interface Props {
  rows: ChoiceRow[];
  onRows: (rows: ChoiceRow[]) => void;
  /** The field's default: one value, or several for a multi-select picklist. */
  defaultValue: unknown;
  onDefault: (value: unknown) => void;
  multiple: boolean;
}

/**
 * A picklist's values: drag (or move with the keyboard: space, arrows, space) to order, labels
 * in both languages, a colour, the default, and active/inactive. Each row previews its badge as
 * the runtime UI draws it.
 */
export function ChoicesEditor({ rows, onRows, defaultValue, onDefault, multiple }: Props) {
  const { t } = useTranslation();
  const problems = new Map(choiceProblems(rows).map((p) => [p.key, p.problem]));
  const update = (key: string, change: Partial<ChoiceRow>) =>
    onRows(rows.map((r) => (r.key === key ? { ...r, ...change } : r)));
  const dnd = useSortableList({
    ids: rows.map((r) => r.key),
    onMove: (from, to) => onRows(arrayMove(rows, from, to)),
    nameOf: (id) => valueOf(rows, id),
    messages: {
      instructions: 'studio.choices.dragInstructions',
      picked: 'studio.choices.picked',
      over: 'studio.choices.over',
      dropped: 'studio.choices.dropped',
      cancelled: 'studio.choices.cancelled',
      param: 'value',
    },
  });
  const isDefault = (value: string) =>
    multiple ? Array.isArray(defaultValue) && defaultValue.includes(value) : defaultValue === value;
  const toggleDefault = (value: string, on: boolean) => {
    if (!multiple) return onDefault(on ? value : undefined);
    const list = Array.isArray(defaultValue) ? (defaultValue as string[]) : [];
    const next = on ? [...list, value] : list.filter((v) => v !== value);
    onDefault(next.length ? next : undefined);
  };

  return (
    <div data-testid="choices-editor">
      <Typography.Text strong>{t('studio.choices.title')}</Typography.Text>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('studio.choices.help')}
      </Typography.Paragraph>
      <DndContext {...dnd}>
        <SortableContext items={rows.map((r) => r.key)} strategy={verticalListSortingStrategy}>
          <ol style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {rows.map((row, i) => (
              <SortableChoice
                key={row.key}
                row={row}
                index={i}
                problem={problems.get(row.key)}
                isDefault={isDefault(row.value)}
                multiple={multiple}
                onChange={(change) => update(row.key, change)}
                onDefault={(on) => toggleDefault(row.value, on)}
                onRemove={() => onRows(rows.filter((r) => r.key !== row.key))}
              />
            ))}
          </ol>
        </SortableContext>
      </DndContext>
      <Button icon={<PlusOutlined />} onClick={() => onRows([...rows, newRow()])} style={{ marginTop: 8 }}>
        {t('studio.choices.add')}
      </Button>
    </div>
  );
}

const valueOf = (rows: ChoiceRow[], key: string | number) => rows.find((r) => r.key === key)?.value || '…';

interface RowProps {
  row: ChoiceRow;
  index: number;
  problem?: 'empty' | 'duplicate';
  isDefault: boolean;
  multiple: boolean;
  onChange: (change: Partial<ChoiceRow>) => void;
  onDefault: (on: boolean) => void;
  onRemove: () => void;
}

function SortableChoice({ row, index, problem, isDefault, multiple, onChange, onDefault, onRemove }: RowProps) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: row.key });
  const n = index + 1;
  const DefaultControl = multiple ? Checkbox : Radio;
  return (
    <li
      ref={setNodeRef}
      data-testid="choice-row"
      style={{
        transform: CSS.Transform.toString(transform),
        transition,
        display: 'flex',
        flexWrap: 'wrap',
        alignItems: 'center',
        gap: 6,
        padding: '6px 4px',
        borderBottom: '1px solid #f0f0f0',
        background: isDragging ? '#e6f4ff' : undefined,
        opacity: row.active ? 1 : 0.6,
      }}
    >
      <Button
        type="text"
        size="small"
        icon={<HolderOutlined />}
        aria-label={t('studio.choices.drag', { n })}
        style={{ cursor: 'grab' }}
        {...attributes}
        {...listeners}
      />
      <Input
        size="small"
        style={{ width: 120 }}
        aria-label={t('studio.choices.value', { n })}
        value={row.value}
        disabled={row.stored}
        status={problem ? 'error' : undefined}
        title={problem ? t(`studio.choices.${problem}`) : undefined}
        onChange={(e) => onChange({ value: e.target.value })}
      />
      <Input
        size="small"
        style={{ width: 130 }}
        aria-label={t('studio.choices.labelEn', { n })}
        value={row.label.en}
        onChange={(e) =>
          onChange({ label: { ...row.label, en: e.target.value }, value: suggestedValue(row, e.target.value) })
        }
      />
      <Input
        size="small"
        lang="zh-CN"
        style={{ width: 110 }}
        aria-label={t('studio.choices.labelZh', { n })}
        value={row.label.zh}
        onChange={(e) => onChange({ label: { ...row.label, zh: e.target.value } })}
      />
      <ColorPicker
        size="small"
        allowClear
        disabledAlpha
        value={row.color ?? null}
        aria-label={t('studio.choices.color', { n })}
        onChange={(color) => onChange({ color: color.cleared ? undefined : color.toHexString() })}
        onClear={() => onChange({ color: undefined })}
      />
      <DefaultControl
        checked={isDefault}
        disabled={!row.active || !row.value}
        onChange={(e) => onDefault(e.target.checked)}
        onClick={() => !multiple && isDefault && onDefault(false)}
      >
        {t('studio.choices.default')}
      </DefaultControl>
      <Switch
        size="small"
        checked={row.active}
        aria-label={t('studio.choices.active', { n })}
        onChange={(active) => onChange({ active })}
      />
      <PicklistTag color={row.color}>{row.label.en || row.value || '…'}</PicklistTag>
      {!row.stored && (
        <Button
          type="text"
          size="small"
          danger
          icon={<DeleteOutlined />}
          aria-label={t('studio.choices.remove', { n })}
          onClick={onRemove}
        />
      )}
    </li>
  );
}
