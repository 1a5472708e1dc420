import { DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core';
import { UnorderedListOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { App, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import type { ApiError } from '../api/api-error';
import { editRefusal } from '../approvals/approval-state';
import type { FieldMeta } from '../api/metadata.api';
import { aggregate, updateRecord, type RecordData, type RecordPage } from '../api/records.api';
import { FIELD_UI } from '../fields/field-ui';
import { formatCurrency, formatNumber, picklistLabel } from '../fields/format';
import { labelOf } from '../i18n/label';
import { useCorporateCurrency } from '../fields/use-corporate-currency';
import { requestFields } from '../list/columns';
import { useMeta } from '../metadata/use-metadata';
import { NotFound } from '../shell/NotFound';
import { KanbanCard } from './KanbanCard';
import { KanbanColumn } from './KanbanColumn';
import { LinkButton } from '../shell/LinkButton';
import {
  boardPicklists,
  boardView,
  columnKey,
  columnOf,
  NONE,
  withCard,
  withCardOnTop,
  withoutCard,
  type ColumnQuery,
} from './kanban-columns';

type Pages = InfiniteData<RecordPage>;

/**
 * Records as cards in one column per value of a picklist (?by=stage). Each column loads its own
 * cards page by page (kanban-columns.ts); counts and totals come from the aggregate API, so they
 * are right however many cards are loaded. Dropping a card in another column saves the new value
 * with If-Match; the card moves at once and goes back if the engine refuses (a validation rule, a
 * stale version), with the engine's message.
 */
export default function KanbanPage() {
  const { object = '' } = useParams();
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const meta = useMeta();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const obj = meta.object(object);
  const picklists = boardPicklists(obj);
  // A board view an admin defined (?view=) sets the columns, the total and which records show.
  const board = boardView(meta.listViews(object), params.get('view'));
  const by =
    picklists.find((f) => f.apiName === params.get('by')) ??
    picklists.find((f) => f.apiName === board?.kanban?.groupBy) ??
    picklists[0];
  const boardTotal = board?.kanban?.summary ? obj?.fields.find((f) => f.apiName === board.kanban!.summary) : undefined;
  const money = boardTotal ?? totalled(obj?.fields ?? []);
  const isMoney = money !== undefined && FIELD_UI[money.type].money === true;
  const details = [money, ...(obj?.fields.filter((f) => FIELD_UI[f.type].cardDetail).slice(0, 1) ?? [])].filter(
    (f): f is NonNullable<typeof f> => !!f,
  );
  const fields =
    obj && by ? requestFields(meta, object, [obj.nameField, by.apiName, ...details.map((f) => f.apiName)]) : '';
  const columnQuery: ColumnQuery = {
    object,
    by: by?.apiName ?? '',
    fields,
    sort: money ? `-${money.apiName}` : undefined,
    filter: board?.filter,
  };

  const totals = useQuery({
    queryKey: ['records', object, 'kanban-totals', by?.apiName, money?.apiName, board?.filter],
    // Sums in the corporate currency, converted at the tenant's rates (amounts may be in several).
    queryFn: () =>
      aggregate(object, {
        groupBy: by!.apiName,
        metrics: money ? `count,sum:${money.apiName}` : 'count',
        filter: board?.filter,
        ...(isMoney ? { currency: 'corporate' as const } : {}),
      }),
    enabled: !!by,
  });

  const move = useMutation({
    mutationFn: ({ record, to }: { record: RecordData; from: string; to: string }) =>
      updateRecord(object, record.id, { [by!.apiName]: to === NONE ? null : to }, record.version),
    onMutate: async ({ record, from, to }) => {
      const fromKey = columnKey(columnQuery, from);
      const toKey = columnKey(columnQuery, to);
      await Promise.all([
        queryClient.cancelQueries({ queryKey: fromKey }),
        queryClient.cancelQueries({ queryKey: toKey }),
      ]);
      const before = { from: queryClient.getQueryData<Pages>(fromKey), to: queryClient.getQueryData<Pages>(toKey) };
      queryClient.setQueryData<Pages>(fromKey, (pages) => withoutCard(pages, record.id));
      queryClient.setQueryData<Pages>(toKey, (pages) =>
        withCardOnTop(pages, { ...record, [by!.apiName]: to === NONE ? null : to }),
      );
      return { before, fromKey, toKey };
    },
    onError: (e: ApiError, _vars, context) => {
      // The card goes back where it was, and the engine says why.
      if (context) {
        queryClient.setQueryData(context.fromKey, context.before.from);
        queryClient.setQueryData(context.toKey, context.before.to);
      }
      message.error(editRefusal(e, t));
    },
    onSuccess: (saved, { to }, context) => {
      queryClient.setQueryData<Pages>(context.toKey, (pages) => withCard(pages, saved.id, { version: saved.version }));
      message.success(
        t('kanban.moved', { stage: to === NONE ? t('kanban.none') : picklistLabel(by!, to, i18n.language) }),
      );
      // Totals and other lists change; the columns keep the card where it was dropped.
      void queryClient.invalidateQueries({
        queryKey: ['records', object],
        predicate: (q) => q.queryKey[2] !== 'kanban',
      });
      void queryClient.invalidateQueries({ queryKey: ['history', object, saved.id] });
    },
  });

  const corporate = useCorporateCurrency();
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor),
  );
  if (!obj) return <NotFound />;
  if (!by) return <NotFound detail={t('kanban.empty')} />;

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over) return;
    const record = (active.data.current as { record: RecordData }).record;
    const from = columnOf(record, by.apiName);
    const to = String(over.id);
    if (from === to) return;
    move.mutate({ record, from, to });
  };
  const columns = [
    ...(by.values ?? []).map((v) => ({ id: v.value, title: labelOf(v.label, i18n.language, v.value), color: v.color })),
    ...(by.required ? [] : [{ id: NONE, title: t('kanban.none'), color: undefined }]),
  ];
  const totalsOf = (id: string) => totals.data?.data.find((r) => (r[by.apiName] ?? NONE) === id);
  const summary = (id: string) => {
    const row = totalsOf(id);
    const count = Number(row?.count ?? 0);
    const sum = money ? Number(row?.[`sum:${money.apiName}`] ?? 0) : undefined;
    return `${formatNumber(count, i18n.language)}${sum !== undefined ? ` · ${isMoney ? formatCurrency(sum, corporate, i18n.language) : formatNumber(sum, i18n.language)}` : ''}`;
  };

  return (
    <div className="tessera-page">
      <Space wrap style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }}>
        <Space wrap>
          <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
            {labelOf(obj.pluralLabel, i18n.language)} ·{' '}
            {board ? labelOf(board.label, i18n.language) : t('kanban.title')}
          </Typography.Title>
          <Select
            aria-label={t('kanban.groupBy')}
            value={by.apiName}
            style={{ minWidth: 160 }}
            onChange={(v) => setParams(board ? { view: board.apiName, by: v } : { by: v }, { replace: true })}
            options={picklists.map((f) => ({ value: f.apiName, label: labelOf(f.label, i18n.language) }))}
          />
        </Space>
        <LinkButton to={`/o/${object}`} icon={<UnorderedListOutlined />}>
          {labelOf(obj.pluralLabel, i18n.language)}
        </LinkButton>
      </Space>
      <Typography.Text type="secondary">
        {t('kanban.dragHint')}
        {money ? ` · ${t('kanban.total')}: ${labelOf(money.label, i18n.language)}` : ''}
      </Typography.Text>
      <DndContext sensors={sensors} onDragEnd={onDragEnd}>
        <div className="tessera-kanban" style={{ marginTop: 8 }}>
          {columns.map((c) => (
            <KanbanColumn
              key={c.id}
              query={columnQuery}
              id={c.id}
              title={c.title}
              color={c.color}
              summary={summary(c.id)}
              count={totals.data ? Number(totalsOf(c.id)?.count ?? 0) : undefined}
              card={(r) => (
                <KanbanCard
                  key={r.id}
                  object={object}
                  record={r}
                  nameField={obj.nameField}
                  details={details}
                  moveLabel={t('kanban.dragHint')}
                />
              )}
            />
          ))}
        </div>
      </DndContext>
    </div>
  );
}

/** The field a column's total sums: the first of the lowest kanbanTotal rank (an amount before a number). */
function totalled(fields: FieldMeta[]): FieldMeta | undefined {
  const rank = (f: FieldMeta) => FIELD_UI[f.type].kanbanTotal ?? Infinity;
  return fields.filter((f) => rank(f) < Infinity).sort((a, b) => rank(a) - rank(b))[0];
}
