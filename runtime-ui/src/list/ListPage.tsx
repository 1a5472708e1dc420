import { AppstoreOutlined, DeleteOutlined, DownloadOutlined, FilterOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Badge, Button, Select, Space, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
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
import { loadMyViews, saveMyViews, type MyView } from './my-views';
import { SaveViewButton } from './SaveViewButton';
import { RecordTable } from './RecordTable';
import { useRecordPages } from './use-record-pages';
import { LinkButton } from '../shell/LinkButton';

/** A list view: the saved views of the object, the user's filter, sort and columns on top. */
export default function ListPage() {
  const { object = '' } = useParams();
  const meta = useMeta();
  const obj = meta.object(object);
  if (!obj) return <NotFound />;
  return <ObjectList key={object} object={object} />;
}

function ObjectList({ object }: { object: string }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const meta = useMeta();
  const obj = meta.object(object)!;
  const [params, setParams] = useSearchParams();
  const { user } = useSession();
  const userId = user?.id ?? 'anonymous';
  const [myViews, setMyViews] = useState<MyView[]>(() => loadMyViews(userId, object));
  const views = meta.listViews(object);
  const myView = myViews.find((v) => v.id === params.get('view'));
  const view = myView ? undefined : views.find((v) => v.apiName === params.get('view')) ?? meta.defaultListView(object);
  const viewKey = myView?.id ?? view?.apiName ?? '_all';
  const defaultColumns = useMemo(
    () => (view?.columns ?? [obj.nameField, ...obj.fields.filter((f) => f.apiName !== obj.nameField).slice(0, 5).map((f) => f.apiName)]).filter((c) => meta.path(object, c)),
    [view, obj, meta, object],
  );
  const [columns, setColumns] = useState<string[]>(() => myView?.columns ?? savedColumns(object, viewKey) ?? defaultColumns);
  const [filterTree, setFilterTree] = useState<FilterGroup>(() => myView?.filter ?? emptyGroup());
  const [showFilter, setShowFilter] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const [importing, setImporting] = useState(false);
  useEffect(() => setColumns(myView?.columns ?? savedColumns(object, viewKey) ?? defaultColumns), [object, viewKey, defaultColumns]); // eslint-disable-line react-hooks/exhaustive-deps
  // Choosing another view replaces the filter with the view's (only then: not on every re-render).
  useEffect(() => setFilterTree(myView?.filter ?? emptyGroup()), [object, viewKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const sort = params.get('sort') ?? myView?.sort ?? view?.sort;
  const filter = combineFilters(view?.filter, toApiFilter(filterTree));
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
  const saveMyView = (label: string) => {
    const created: MyView = { id: `my_${Date.now().toString(36)}`, label, filter: filterTree, ...(sort ? { sort } : {}), columns };
    const next = [...myViews, created];
    saveMyViews(userId, object, next);
    setMyViews(next);
    setParam('view', created.id);
    message.success(t('views.saved'));
  };
  const deleteMyView = () => {
    const next = myViews.filter((v) => v.id !== myView?.id);
    saveMyViews(userId, object, next);
    setMyViews(next);
    setParam('view', undefined);
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
          <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>{labelOf(obj.pluralLabel, i18n.language)}</Typography.Title>
          {views.length + myViews.length > 0 && (
            <Select aria-label={t('list.view')} value={myView?.id ?? view?.apiName} onChange={(v) => setParam('view', v)} style={{ minWidth: 180 }} data-testid="view-picker"
              options={[
                { label: t('views.shared'), options: views.map((v) => ({ value: v.apiName, label: labelOf(v.label, i18n.language) })) },
                ...(myViews.length ? [{ label: t('views.mine'), options: myViews.map((v) => ({ value: v.id, label: v.label })) }] : []),
              ]} />
          )}
          {myView && <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('views.delete')} onClick={deleteMyView} />}
          <Typography.Text type="secondary" data-testid="list-count">
            {list.total !== undefined ? t('list.count', { count: list.total, n: formatNumber(list.total, i18n.language) }) : ''}
          </Typography.Text>
        </Space>
        <Space wrap>
          <Badge count={conditions} size="small">
            <Button icon={<FilterOutlined />} onClick={() => setShowFilter(!showFilter)} aria-expanded={showFilter} data-testid="toggle-filter">{t('filter.title')}</Button>
          </Badge>
          <SaveViewButton onSave={saveMyView} />
          <ColumnChooser all={availableColumns(meta, object)} chosen={columns} labelOf={columnLabel} onChange={chooseColumns} onReset={() => chooseColumns(undefined)} />
          {meta.picklists(object).length > 0 && (
            <LinkButton to={`/o/${object}/kanban`} icon={<AppstoreOutlined />}>{t('kanban.title')}</LinkButton>
          )}
          {meta.can(object, 'create') && meta.hasSystem('importData') && <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>{t('import.button')}</Button>}
          {meta.hasSystem('exportData') && <Button icon={<DownloadOutlined />} onClick={exportCsv}>{t('list.export')}</Button>}
          {meta.can(object, 'create') && (
            <LinkButton to={`/o/${object}/new`} type="primary" icon={<PlusOutlined />}>{t('common.new')}</LinkButton>
          )}
        </Space>
      </Space>
      {showFilter && (
        <div style={{ marginBottom: 12 }}>
          <FilterBuilder object={object} value={filterTree} onChange={setFilterTree} />
        </div>
      )}
      {list.error && <Typography.Text type="danger" role="alert">{(list.error as ApiError).display}</Typography.Text>}
      {selected.length > 0 && (
        <div style={{ marginBottom: 8 }}>
          <BulkActions object={object} selected={selectedRows} onDone={() => setSelected([])} />
        </div>
      )}
      <div data-testid="list-loaded" data-loaded={list.rows.length} data-more={list.hasNextPage ? 'yes' : 'no'} hidden />
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
