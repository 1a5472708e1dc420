import { DeleteOutlined, HolderOutlined, PlusOutlined } from '@ant-design/icons';
import { DndContext } from '@dnd-kit/core';
import { arrayMove, SortableContext, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { Alert, Button, Card, Dropdown, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { rowKey, type ActionRow } from './action-rows';
import { GeneratedForm, useBranchHelp } from './GeneratedForm';
import { problemsUnder, toErrorSchema, type Branch, type BranchForm, type PointedProblem } from './schema-branch';
import { ACTION_BRANCHES, useActionName } from './use-branch-forms';
import { useSortableList } from '../app/use-sortable-list';

interface Props {
  /** What the list is, for its heading and its screen-reader texts ("Actions", "On approval"). */
  title: string;
  rows: ActionRow[];
  onRows: (rows: ActionRow[]) => void;
  formOf: (b: Branch) => BranchForm;
  /** The engine's problems under the list's pointer, relative to it (/1/values). */
  problems: PointedProblem[];
  /** Unique on the page, for the forms' ids. */
  idPrefix: string;
  testId?: string;
}

/**
 * Ordered actions: add one through the type picker, remove, drag to reorder (or with the keyboard:
 * space, arrows, space, each step announced). Each action's form is generated from its type's
 * branch of workflow.schema.json.
 */
export function ActionList({ title, rows, onRows, formOf, problems, idPrefix, testId }: Props) {
  const { t } = useTranslation();
  const actionName = useActionName();
  const nameOf = (id: string | number) => {
    const i = rows.findIndex((r) => r.key === id);
    return i < 0 ? '…' : `${i + 1} (${actionName(rows[i]!.branch)})`;
  };
  const dnd = useSortableList({
    ids: rows.map((r) => r.key),
    onMove: (from, to) => onRows(arrayMove(rows, from, to)),
    nameOf,
    messages: {
      instructions: 'studio.automation.drag.instructions',
      picked: 'studio.automation.drag.picked',
      over: 'studio.automation.drag.over',
      dropped: 'studio.automation.drag.dropped',
      cancelled: 'studio.automation.drag.cancelled',
      param: 'action',
    },
  });

  return (
    <section data-testid={testId} aria-label={title}>
      <DndContext {...dnd}>
        <SortableContext items={rows.map((r) => r.key)} strategy={verticalListSortingStrategy}>
          <ol style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {rows.map((row, i) => (
              <SortableAction
                key={row.key}
                row={row}
                index={i}
                form={formOf(ACTION_BRANCHES.find((b) => b.key === row.branch)!)}
                problems={problemsUnder(problems, `/${i}`)}
                idPrefix={`${idPrefix}-${row.key}`}
                onData={(data) => onRows(rows.map((r) => (r.key === row.key ? { ...r, data } : r)))}
                onRemove={() => onRows(rows.filter((r) => r.key !== row.key))}
              />
            ))}
          </ol>
        </SortableContext>
      </DndContext>
      {!rows.length && <Typography.Paragraph type="secondary">{t('studio.automation.noActions')}</Typography.Paragraph>}
      <Dropdown
        trigger={['click']}
        menu={{
          items: ACTION_BRANCHES.map((b) => ({ key: b.key, label: actionName(b.key) })),
          onClick: ({ key }) => onRows([...rows, { key: rowKey(), branch: key, data: {} }]),
        }}
      >
        <Button icon={<PlusOutlined />} aria-label={t('studio.automation.addActionTo', { list: title })}>
          {t('studio.automation.addAction')}
        </Button>
      </Dropdown>
    </section>
  );
}

interface RowProps {
  row: ActionRow;
  index: number;
  form: BranchForm;
  problems: PointedProblem[];
  idPrefix: string;
  onData: (data: ActionRow['data']) => void;
  onRemove: () => void;
}

function SortableAction({ row, index, form, problems, idPrefix, onData, onRemove }: RowProps) {
  const { t } = useTranslation();
  const help = useBranchHelp();
  const actionName = useActionName();
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({ id: row.key });
  const n = index + 1;
  const { errorSchema, rest } = toErrorSchema(form, problems);
  const branch = ACTION_BRANCHES.find((b) => b.key === row.branch)!;
  return (
    <li
      ref={setNodeRef}
      data-testid="action-row"
      data-action={row.branch}
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
              aria-label={t('studio.automation.drag.handle', { n, action: actionName(row.branch) })}
              style={{ cursor: 'grab' }}
              {...attributes}
              {...listeners}
            />
            <span>
              {n}. {actionName(row.branch)}
            </span>
          </Space>
        }
        extra={
          <Button
            type="text"
            danger
            size="small"
            icon={<DeleteOutlined />}
            aria-label={t('studio.automation.removeAction', { n })}
            onClick={onRemove}
          />
        }
      >
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {help(branch)}
        </Typography.Paragraph>
        {rest.map((p, i) => (
          <Alert key={i} type="error" showIcon role="alert" style={{ marginBottom: 8 }} title={p.message} />
        ))}
        <GeneratedForm form={form} data={row.data} onChange={onData} errors={errorSchema} idPrefix={idPrefix} />
      </Card>
    </li>
  );
}
