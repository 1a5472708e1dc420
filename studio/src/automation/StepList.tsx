import { DeleteOutlined, HolderOutlined, PlusOutlined } from '@ant-design/icons';
import { DndContext } from '@dnd-kit/core';
import { arrayMove, SortableContext, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { Alert, Button, Card, Input, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { RuleEditor } from '../rules/RuleEditor';
import { rowKey } from './action-rows';
import { GeneratedForm } from './GeneratedForm';
import { problemsUnder, toErrorSchema, type BranchForm, type PointedProblem } from './schema-branch';
import type { StepRow } from './step-rows';
import { useSortableList } from '../app/use-sortable-list';

interface Props {
  object: string;
  rows: StepRow[];
  onRows: (rows: StepRow[]) => void;
  form: BranchForm;
  /** The engine's problems under /steps, relative to it. */
  problems: PointedProblem[];
}

/**
 * The approval steps in order: add, remove, drag to reorder (or space, arrows, space). Each step's
 * approver, mode and name come from the step's schema; its label and condition have their inputs.
 */
export function StepList({ object, rows, onRows, form, problems }: Props) {
  const { t } = useTranslation();
  const nameOf = (id: string | number) => {
    const i = rows.findIndex((r) => r.key === id);
    const name = rows[i]?.data.name;
    return i < 0 ? '…' : `${i + 1}${typeof name === 'string' && name ? ` (${name})` : ''}`;
  };
  const dnd = useSortableList({
    ids: rows.map((r) => r.key),
    onMove: (from, to) => onRows(arrayMove(rows, from, to)),
    nameOf,
    messages: {
      instructions: 'studio.automation.drag.instructions',
      picked: 'studio.automation.drag.pickedStep',
      over: 'studio.automation.drag.overStep',
      dropped: 'studio.automation.drag.droppedStep',
      cancelled: 'studio.automation.drag.cancelledStep',
      param: 'step',
    },
  });
  return (
    <section data-testid="approval-steps">
      <DndContext {...dnd}>
        <SortableContext items={rows.map((r) => r.key)} strategy={verticalListSortingStrategy}>
          <ol style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {rows.map((row, i) => (
              <SortableStep
                key={row.key}
                object={object}
                row={row}
                index={i}
                form={form}
                problems={problemsUnder(problems, `/${i}`)}
                onRow={(next) => onRows(rows.map((r) => (r.key === row.key ? next : r)))}
                onRemove={() => onRows(rows.filter((r) => r.key !== row.key))}
              />
            ))}
          </ol>
        </SortableContext>
      </DndContext>
      <Button
        icon={<PlusOutlined />}
        onClick={() =>
          onRows([...rows, { key: rowKey(), data: { name: `step_${rows.length + 1}` }, label: { en: '', zh: '' } }])
        }
      >
        {t('studio.automation.addStep')}
      </Button>
    </section>
  );
}

interface StepProps {
  object: string;
  row: StepRow;
  index: number;
  form: BranchForm;
  problems: PointedProblem[];
  onRow: (row: StepRow) => void;
  onRemove: () => void;
}

function SortableStep({ object, row, index, form, problems, onRow, onRemove }: StepProps) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: row.key });
  const n = index + 1;
  const { errorSchema, rest } = toErrorSchema(form, problems);
  const ownErrors = rest.filter((p) => !p.field.startsWith('/condition'));
  return (
    <li
      ref={setNodeRef}
      data-testid="step-row"
      style={{ transform: CSS.Transform.toString(transform), transition, marginBottom: 12 }}
    >
      <Card
        size="small"
        style={{ background: isDragging ? '#e6f4ff' : undefined }}
        title={
          <Space>
            <Button
              type="text"
              size="small"
              icon={<HolderOutlined />}
              aria-label={t('studio.automation.drag.stepHandle', { n })}
              style={{ cursor: 'grab' }}
              {...attributes}
              {...listeners}
            />
            <span>{t('studio.automation.stepN', { n })}</span>
          </Space>
        }
        extra={
          <Button
            type="text"
            danger
            size="small"
            icon={<DeleteOutlined />}
            aria-label={t('studio.automation.removeStep', { n })}
            onClick={onRemove}
          />
        }
      >
        {ownErrors.map((p, i) => (
          <Alert
            key={i}
            type="error"
            showIcon
            role="alert"
            style={{ marginBottom: 8 }}
            title={`${p.field} ${p.message}`}
          />
        ))}
        <Space wrap style={{ marginBottom: 8 }}>
          <Input
            aria-label={t('studio.automation.stepLabelEn', { n })}
            placeholder={t('studio.automation.stepLabelEn', { n })}
            value={row.label.en}
            onChange={(e) => onRow({ ...row, label: { ...row.label, en: e.target.value } })}
          />
          <Input
            lang="zh-CN"
            aria-label={t('studio.automation.stepLabelZh', { n })}
            placeholder={t('studio.automation.stepLabelZh', { n })}
            value={row.label.zh}
            onChange={(e) => onRow({ ...row, label: { ...row.label, zh: e.target.value } })}
          />
        </Space>
        <GeneratedForm
          form={form}
          data={row.data}
          onChange={(data) => onRow({ ...row, data })}
          errors={errorSchema}
          idPrefix={`step-${row.key}`}
        />
        <RuleEditor
          object={object}
          kind="condition"
          value={row.condition}
          onChange={(condition) => onRow({ ...row, condition })}
          label={t('studio.automation.stepCondition', { n })}
          id={`step-${row.key}-condition`}
        />
        {problems
          .filter((p) => p.field.startsWith('/condition'))
          .map((p, i) => (
            <Alert key={i} type="error" showIcon role="alert" title={p.message} />
          ))}
      </Card>
    </li>
  );
}
