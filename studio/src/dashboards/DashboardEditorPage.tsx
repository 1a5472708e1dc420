import { PlusOutlined, SaveOutlined } from '@ant-design/icons';
import { DndContext } from '@dnd-kit/core';
import { arrayMove, rectSortingStrategy, SortableContext } from '@dnd-kit/sortable';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCorporateCurrency } from '@tessera/runtime-ui/fields/use-corporate-currency';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { DATE_LITERALS } from '@tessera/runtime-ui/list/FilterValueInput';
import type { MetadataIndex } from '@tessera/runtime-ui/metadata/metadata-index';
import { useMetadata } from '@tessera/runtime-ui/metadata/use-metadata';
import { App, Breadcrumb, Button, Card, Empty, Form, Input, Row, Select, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { DraftObject } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { useObjects } from '../objects/use-studio-data';
import { draftOnlyNames, editorFields } from '../views/editor-fields';
import { errorsAt, moveBy } from '../views/view-draft';
import {
  cleanDashboard,
  newWidget,
  widgetFieldNames,
  widgetKey,
  withDescription,
  withPeriod,
  type DraftDashboard,
  type DraftWidget,
} from './dashboard-draft';
import { getDashboard, saveDashboard } from './dashboards.api';
import { WidgetSettings } from './WidgetSettings';
import { WidgetTile } from './WidgetTile';
import { useSortableList } from '../app/use-sortable-list';

/**
 * One dashboard of the draft: its widgets on the grid the runtime UI draws (reading order, half
 * or full width), each previewed with live data by the runtime UI's own widget from the edited,
 * unsaved definition. Tiles move by drag (or handle + space + arrows) and by their move buttons;
 * saved to the draft with the ETag it was read with.
 */
export default function DashboardEditorPage() {
  const { apiName = '' } = useParams();
  const meta = useMetadata();
  const read = useQuery({ queryKey: ['draft', 'dashboard', apiName], queryFn: () => getDashboard(apiName) });
  if (read.error)
    return (
      <div className="tessera-page">
        <ProblemAlert error={read.error} />
      </div>
    );
  if (!read.data || !meta) return <Spin style={{ display: 'block', margin: 48 }} />;
  // Keyed by name only: after a save or a reload (412) the grid keeps what was done, and saves
  // with the tag of the copy read last.
  return (
    <DashboardEditor key={apiName} apiName={apiName} initial={read.data.dashboard} etag={read.data.etag} meta={meta} />
  );
}

function DashboardEditor({
  apiName,
  initial,
  etag,
  meta,
}: {
  apiName: string;
  initial: DraftDashboard;
  etag: string;
  meta: MetadataIndex;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const corporate = useCorporateCurrency();
  const [draft, setDraft] = useState<DraftDashboard>(initial);
  const [editing, setEditing] = useState<number>();
  const draftObjects = useObjects();

  const save = useMutation({
    mutationFn: (d: DraftDashboard) => saveDashboard(apiName, d, etag),
    onSuccess: (saved) => {
      queryClient.setQueryData(['draft', 'dashboard', apiName], saved);
      void queryClient.invalidateQueries({ queryKey: ['draft'], predicate: (q) => q.queryKey[1] !== 'dashboard' });
      void message.success(t('studio.views.dashboards.saved'));
    },
  });

  const lng = i18n.language;
  const keys = draft.widgets.map(widgetKey);
  const titleOf = (id: string | number) => {
    const w = draft.widgets[keys.indexOf(String(id))];
    return w ? labelOf(w.label, lng, String(id)) : String(id);
  };
  const setWidgets = (widgets: DraftDashboard['widgets']) => setDraft({ ...draft, widgets });
  // The engine's errors name widgets by position: once widgets move, are added or removed, the
  // last save's errors would point at the wrong ones, so they go until the next save.
  const reorder = (widgets: DraftDashboard['widgets']) => {
    save.reset();
    setWidgets(widgets);
  };
  const dnd = useSortableList({
    ids: keys,
    onMove: (from, to) => reorder(arrayMove(draft.widgets, from, to)),
    nameOf: titleOf,
    messages: {
      instructions: 'studio.views.dashboards.dragInstructions',
      picked: 'studio.views.dashboards.picked',
      over: 'studio.views.dashboards.over',
      dropped: 'studio.views.dashboards.dropped',
      cancelled: 'studio.views.dashboards.cancelled',
      param: 'widget',
    },
    distance: 6,
  });
  const first = meta.objects[0];
  // A widget naming an object or field only in the draft has no data to preview until published.
  const waitingOf = (w: DraftWidget): string[] => {
    const draftObject: DraftObject | undefined = draftObjects.data?.find((o) => o.apiName === w.object);
    if (!meta.object(w.object)) return [labelOf(draftObject?.pluralLabel, lng, w.object)];
    const fields = editorFields(draftObject, meta.object(w.object), meta.objects);
    return draftOnlyNames(widgetFieldNames(w), fields).map((n) =>
      labelOf(fields.find((f) => f.apiName === n)?.label, lng, n),
    );
  };

  return (
    <div className="tessera-page">
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[{ title: <Link to="/dashboards">{t('studio.views.dashboards.title')}</Link> }, { title: apiName }]}
      />
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {labelOf(draft.label, lng, apiName)}
        </Typography.Title>
        <Space wrap>
          <Button
            icon={<PlusOutlined />}
            disabled={!first || draft.widgets.length >= 24}
            onClick={() => {
              reorder([
                ...draft.widgets,
                newWidget(first!.apiName, t('studio.views.dashboards.newWidget'), `wdg_${crypto.randomUUID()}`),
              ]);
              setEditing(draft.widgets.length);
            }}
            data-testid="add-widget"
          >
            {t('studio.views.dashboards.addWidget')}
          </Button>
          <Button
            type="primary"
            icon={<SaveOutlined />}
            loading={save.isPending}
            onClick={() => save.mutate(cleanDashboard(draft))}
            data-testid="save-dashboard"
          >
            {t('common.save')}
          </Button>
        </Space>
      </Space>
      <ProblemAlert error={save.error} onReloaded={() => save.reset()} />
      <Card size="small" style={{ marginBottom: 12 }}>
        <Form layout="inline" component="div">
          <Form.Item
            label={t('studio.views.dashboards.labelEn')}
            htmlFor="dashboard-label"
            validateStatus={errorsAt(save.error, '/label') ? 'error' : undefined}
            help={errorsAt(save.error, '/label')}
          >
            <Input
              id="dashboard-label"
              value={labelOf(draft.label, 'en', '')}
              onChange={(e) =>
                setDraft({
                  ...draft,
                  label: { ...(typeof draft.label === 'object' ? draft.label : {}), en: e.target.value },
                })
              }
            />
          </Form.Item>
          <Form.Item label={t('studio.views.dashboards.labelZh')} htmlFor="dashboard-label-zh">
            <Input
              id="dashboard-label-zh"
              value={typeof draft.label === 'object' ? (draft.label['zh-CN'] ?? '') : ''}
              onChange={(e) =>
                setDraft({
                  ...draft,
                  label: {
                    ...(typeof draft.label === 'object' ? draft.label : { en: draft.label }),
                    'zh-CN': e.target.value,
                  },
                })
              }
            />
          </Form.Item>
          <Form.Item
            label={t('studio.views.dashboards.description')}
            htmlFor="dashboard-description"
            validateStatus={errorsAt(save.error, '/description') ? 'error' : undefined}
            help={errorsAt(save.error, '/description')}
          >
            <Input
              id="dashboard-description"
              value={labelOf(draft.description, 'en', '')}
              onChange={(e) => setDraft(withDescription(draft, e.target.value))}
            />
          </Form.Item>
          <Form.Item
            label={t('studio.views.dashboards.period')}
            validateStatus={errorsAt(save.error, '/dateFilter') ? 'error' : undefined}
            help={errorsAt(save.error, '/dateFilter')}
          >
            <Select
              aria-label={t('studio.views.dashboards.period')}
              style={{ minWidth: 180 }}
              value={draft.dateFilter?.default ?? 'all'}
              onChange={(period: string) => setDraft(withPeriod(draft, period))}
              options={['all', ...DATE_LITERALS].map((p) => ({
                value: p,
                label: t(`dateLiteral.${p.replace(':', '_')}`, { defaultValue: p }),
              }))}
            />
          </Form.Item>
        </Form>
      </Card>
      {draft.widgets.length === 0 ? (
        <Empty description={t('studio.views.dashboards.noWidgets')} />
      ) : (
        <DndContext {...dnd}>
          <SortableContext items={keys} strategy={rectSortingStrategy}>
            <Row gutter={[12, 12]} data-testid="widget-grid">
              {draft.widgets.map((w, i) => (
                <WidgetTile
                  key={keys[i]}
                  id={keys[i]!}
                  widget={w}
                  index={i}
                  count={draft.widgets.length}
                  corporate={corporate}
                  problem={errorsAt(save.error, `/widgets/${i}`)}
                  waiting={waitingOf(w)}
                  onChange={(next) => setWidgets(draft.widgets.map((x, j) => (j === i ? next : x)))}
                  onMove={(step) => reorder(moveBy(draft.widgets, i, step))}
                  onEdit={() => setEditing(i)}
                  onRemove={() => reorder(draft.widgets.filter((_, j) => j !== i))}
                />
              ))}
            </Row>
          </SortableContext>
        </DndContext>
      )}
      {editing !== undefined && draft.widgets[editing] && (
        <WidgetSettings
          key={editing}
          widget={draft.widgets[editing]}
          index={editing}
          error={save.error}
          onChange={(next) => setWidgets(draft.widgets.map((x, j) => (j === editing ? next : x)))}
          onClose={() => setEditing(undefined)}
        />
      )}
    </div>
  );
}
