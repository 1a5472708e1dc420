import {
  AppstoreOutlined,
  DownloadOutlined,
  FilterOutlined,
  PlusOutlined,
  UploadOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { App, Badge, Button, Select, Space, Spin, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import type { ApiError } from '../api/api-error';
import { downloadExport } from '../api/records.api';
import { formatNumber } from '../fields/format';
import { labelOf } from '../i18n/label';
import { useSession } from '../auth/use-session';
import { useMeta } from '../metadata/use-metadata';
import { NotFound } from '../shell/NotFound';
import { BulkActions } from './BulkActions';
import { ColumnChooser } from './ColumnChooser';
import { availableColumns, columnTitle, requestFields } from './columns';
import { FilterBuilder } from './FilterBuilder';
import { combineFilters, countConditions, emptyGroup, toApiFilter, type FilterGroup } from './filter-model';
import { ImportModal } from './ImportModal';
import { saveColumns, savedColumns } from './list-preferences';
import { isMyViewKey, useMyViews } from './my-views';
import { MyViewMenu, SaveViewButton } from './SaveViewButton';
import { RecordTable } from './RecordTable';
import { useRecordPages } from './use-record-pages';
import { LinkButton } from '../shell/LinkButton';
import { boardPicklists } from '../kanban/kanban-columns';

/** A list view: the saved views of the object, the user's filter, sort and columns on top. */
export default function ListPage() {
  const { object = '' } = useParams();
  const meta = useMeta();
  const { user } = useSession();
  const [params] = useSearchParams();
  const mine = useMyViews(user?.id, object);
  const obj = meta.object(object);
  if (!obj) return <NotFound />;
  // A private view named in the URL is applied from the first request: wait for it (it is stored on the server).
  if (isMyViewKey(params.get('view')) && mine.isPending) return <Spin style={{ display: 'block', margin: 48 }} />;
  return <ObjectList key={object} object={object} mine={mine} />;
}

function ObjectList({ object, mine }: { object: string; mine: ReturnType<typeof useMyViews> }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const meta = useMeta();
  const obj = meta.object(object)!;
  const [params, setParams] = useSearchParams();
  const myViews = mine.views;
  const views = meta.listViews(object);
  const myView = myViews.find((v) => v.key === params.get('view'));
  const view = myView
    ? undefined
    : (views.find((v) => v.apiName === params.get('view')) ?? meta.defaultListView(object));
  const viewKey = myView?.key ?? view?.apiName ?? '_all';
  const myColumns = myView?.columns.length ? myView.columns : undefined;
  // Shared views and private ones alike: what the engine left out for this user.
  const dropped = myView?.dropped ?? view?.dropped ?? [];
  const defaultColumns = (
    (view?.columns.length ? view.columns : undefined) ?? [
      obj.nameField,
      ...obj.fields
        .filter((f) => f.apiName !== obj.nameField)
        .slice(0, 5)
        .map((f) => f.apiName),
    ]
  ).filter((c) => meta.path(object, c));
  const [columns, setColumns] = useState<string[]>(() => myColumns ?? savedColumns(object, viewKey) ?? defaultColumns);
  const [filterTree, setFilterTree] = useState<FilterGroup>(() => myView?.filter ?? emptyGroup());
  const [showFilter, setShowFilter] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const [importing, setImporting] = useState(false);
  // Choosing another view replaces the columns and the filter with the view's (only then: not on
  // every re-render); new metadata replaces the columns too, as the defaults may have changed.
  const [shownFor, setShownFor] = useState({ viewKey, view, meta });
  if (shownFor.viewKey !== viewKey || shownFor.view !== view || shownFor.meta !== meta) {
    setShownFor({ viewKey, view, meta });
    setColumns(myColumns ?? savedColumns(object, viewKey) ?? defaultColumns);
    if (shownFor.viewKey !== viewKey) setFilterTree(myView?.filter ?? emptyGroup());
  }

  const sort = params.get('sort') ?? myView?.sort ?? view?.sort;
  const filter = combineFilters(view?.filter ?? myView?.baseFilter, toApiFilter(filterTree));
  const fields = requestFields(meta, object, columns);
  const list = useRecordPages(object, { filter, sort, fields });
  const selectedRows = list.rows.filter((r) => selected.includes(r.id));

  const setParam = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value === undefined) next.delete(key);
    else next.set(key, value);
    if (key === 'view') next.delete('sort');
    setParams(next, { replace: true });
  };
  // A private view keeps what the list shows now: the view's filter (shared or not) with the user's, sort, columns.
  const listState = () => ({ columns, filter, ...(sort ? { sort } : {}) });
  const saveMyView = async (label: string) => {
    const created = await mine.create(label, listState());
    setParam('view', created.key);
    message.success(t('views.saved'));
  };
  const chooseColumns = (next: string[] | undefined) => {
    saveColumns(object, viewKey, next);
    setColumns(next ?? defaultColumns);
  };
  const columnLabel = (path: string) => columnTitle(meta, object, path, i18n.language);
  const exportCsv = async () => {
    try {
      await downloadExport(object, { filter, sort, fields: columns.filter((c) => !c.includes('.')).join(',') });
    } catch (e) {
      message.error((e as ApiError).display);
    }
  };
  const conditions = countConditions(filterTree);

  return (
    <div className="tessera-page">
      <Space wrap style={{ justifyContent: 'space-between', width: '100%', marginBottom: 12 }}>
        <Space wrap align="center">
          <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
            {labelOf(obj.pluralLabel, i18n.language)}
          </Typography.Title>
          {views.length + myViews.length > 0 && (
            <Select
              aria-label={t('list.view')}
              value={myView?.key ?? view?.apiName}
              onChange={(v) => setParam('view', v)}
              style={{ minWidth: 180 }}
              data-testid="view-picker"
              options={[
                {
                  label: t('views.shared'),
                  options: views.map((v) => ({ value: v.apiName, label: labelOf(v.label, i18n.language) })),
                },
                ...(myViews.length
                  ? [{ label: t('views.mine'), options: myViews.map((v) => ({ value: v.key, label: v.label })) }]
                  : []),
              ]}
            />
          )}
          {myView && (
            <MyViewMenu
              key={myView.id}
              label={myView.label}
              onUpdate={() => mine.update(myView.id, listState())}
              onRename={(label) => mine.rename(myView.id, label)}
              onDelete={async () => {
                await mine.remove(myView.id);
                setParam('view', undefined);
              }}
            />
          )}
          {dropped.length > 0 && (
            <Tooltip title={dropped.map((d) => d.message).join('; ')}>
              <Typography.Text type="warning" data-testid="view-dropped" tabIndex={0}>
                <WarningOutlined /> {t('views.dropped', { count: dropped.length })}
              </Typography.Text>
            </Tooltip>
          )}
          <Typography.Text type="secondary" data-testid="list-count">
            {list.total !== undefined
              ? t('list.count', { count: list.total, n: formatNumber(list.total, i18n.language) })
              : ''}
          </Typography.Text>
        </Space>
        <Space wrap>
          <Badge count={conditions} size="small">
            <Button
              icon={<FilterOutlined />}
              onClick={() => setShowFilter(!showFilter)}
              aria-expanded={showFilter}
              data-testid="toggle-filter"
            >
              {t('filter.title')}
            </Button>
          </Badge>
          <SaveViewButton onSave={saveMyView} />
          <ColumnChooser
            all={availableColumns(meta, object)}
            chosen={columns}
            labelOf={columnLabel}
            onChange={chooseColumns}
            onReset={() => chooseColumns(undefined)}
          />
          {boardPicklists(meta.object(object)).length > 0 && (
            <LinkButton
              to={view?.kanban ? `/o/${object}/kanban?view=${view.apiName}` : `/o/${object}/kanban`}
              icon={<AppstoreOutlined />}
            >
              {t('kanban.title')}
            </LinkButton>
          )}
          {meta.can(object, 'create') && meta.hasSystem('importData') && (
            <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>
              {t('import.button')}
            </Button>
          )}
          {meta.hasSystem('exportData') && (
            <Button icon={<DownloadOutlined />} onClick={exportCsv}>
              {t('list.export')}
            </Button>
          )}
          {meta.can(object, 'create') && (
            <LinkButton to={`/o/${object}/new`} type="primary" icon={<PlusOutlined />}>
              {t('common.new')}
            </LinkButton>
          )}
        </Space>
      </Space>
      {showFilter && (
        <div style={{ marginBottom: 12 }}>
          <FilterBuilder object={object} value={filterTree} onChange={setFilterTree} />
        </div>
      )}
      {list.error && (
        <Typography.Text type="danger" role="alert">
          {(list.error as ApiError).display}
        </Typography.Text>
      )}
      {selected.length > 0 && (
        <div style={{ marginBottom: 8 }}>
          <BulkActions object={object} selected={selectedRows} onDone={() => setSelected([])} />
        </div>
      )}
      <div
        data-testid="list-loaded"
        data-loaded={list.rows.length}
        data-more={list.hasNextPage ? 'yes' : 'no'}
        hidden
      />
      <RecordTable
        object={object}
        columns={columns}
        rows={list.rows}
        loading={list.isPending || (list.isFetching && !list.isFetchingNextPage && list.rows.length === 0)}
        sort={sort}
        onSort={(s) => setParam('sort', s)}
        selected={selected}
        onSelect={setSelected}
        onNearEnd={() => {
          if (list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
        }}
      />
      {list.isFetchingNextPage && <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>}
      <ImportModal object={object} open={importing} onClose={() => setImporting(false)} />
    </div>
  );
}
