import { SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { FilterBuilder } from '@tessera/runtime-ui/list/FilterBuilder';
import { emptyGroup, toApiFilter, type FilterGroup } from '@tessera/runtime-ui/list/filter-model';
import { fromApiFilter } from '@tessera/runtime-ui/list/my-views';
import { uiOf } from '@tessera/runtime-ui/fields/field-ui';
import { availableColumns, columnTitle } from '@tessera/runtime-ui/list/columns';
import type { MetadataIndex } from '@tessera/runtime-ui/metadata/metadata-index';
import { useMetadata } from '@tessera/runtime-ui/metadata/use-metadata';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import {
  Alert,
  App,
  Breadcrumb,
  Button,
  Card,
  Col,
  Form,
  Input,
  Radio,
  Row,
  Select,
  Space,
  Spin,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { DraftObject } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { useObject } from '../objects/use-studio-data';
import { ColumnsEditor } from './ColumnsEditor';
import { columnChoices, draftOnlyNames, editorFields, previewSort } from './editor-fields';
import { KanbanEditor } from './KanbanEditor';
import { SortEditor } from './SortEditor';
import { cleanView, errorsAt, sortKeys, withKanban, type DraftListView } from './view-draft';
import { getView, listRoles, saveView } from './views.api';
import { ViewPreview } from './ViewPreview';

/**
 * One list view of the draft: its label, columns (drag to order), filter (the runtime UI's own
 * builder), sort and who sees it, with the records it lists beside it as they are edited. Saved
 * to the draft with the ETag it was read with; the engine's refusals show on the control they name.
 */
export default function ListViewPage() {
  const { apiName = '', view: viewName = '' } = useParams();
  const meta = useMetadata();
  const object = useObject(apiName);
  const read = useQuery({ queryKey: ['draft', 'list-view', viewName], queryFn: () => getView(viewName) });
  if (read.error)
    return (
      <div className="tessera-page">
        <ProblemAlert error={read.error} />
      </div>
    );
  if (!read.data || !meta || object.isPending) return <Spin style={{ display: 'block', margin: 48 }} />;
  // Keyed by name only: after a save or a reload (412) the form keeps what was typed, and saves
  // with the tag of the copy read last.
  return (
    <ListViewEditor
      key={`${apiName}/${viewName}`}
      apiName={apiName}
      viewName={viewName}
      initial={read.data.view}
      etag={read.data.etag}
      meta={meta}
      draftObject={object.data?.object}
    />
  );
}

function ListViewEditor({
  apiName,
  viewName,
  initial,
  etag,
  meta,
  draftObject,
}: {
  apiName: string;
  viewName: string;
  initial: DraftListView;
  etag: string;
  meta: MetadataIndex;
  draftObject: DraftObject | undefined;
}) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<DraftListView>(initial);
  const parsed = initial.filter === undefined ? emptyGroup() : fromApiFilter(initial.filter);
  const [tree, setTree] = useState<FilterGroup>(() => parsed ?? emptyGroup());
  /** A filter the builder cannot show (deeper nesting): kept as it is unless cleared. */
  const [rawFilter, setRawFilter] = useState<Record<string, unknown> | undefined>(() =>
    parsed ? undefined : initial.filter,
  );
  const lng = i18n.language;
  const roles = useQuery({ queryKey: ['draft', 'roles'], queryFn: listRoles });

  const save = useMutation({
    mutationFn: (view: DraftListView) => saveView(viewName, view, etag),
    onSuccess: (saved) => {
      queryClient.setQueryData(['draft', 'list-view', viewName], saved);
      void queryClient.invalidateQueries({ queryKey: ['draft'], predicate: (q) => q.queryKey[1] !== 'list-view' });
      void message.success(t('studio.views.saved'));
    },
  });

  const published = meta.object(apiName) !== undefined;
  // The draft's fields: one added but not published yet can be chosen; the preview says it waits.
  const fields = editorFields(draftObject, meta.object(apiName), meta.objects);
  const available = columnChoices(fields, published ? availableColumns(meta, apiName) : [], (f) => !uiOf(f).notAColumn);
  const titleOf = (c: string) => {
    const f = fields.find((x) => x.apiName === c);
    return f || !published ? labelOf(f?.label, lng, c) : columnTitle(meta, apiName, c, lng);
  };
  const filter = rawFilter ?? toApiFilter(tree);
  const edited = cleanView({ ...draft, filter });
  const sortable = fields
    .filter((f) => f.sortable)
    .map((f) => ({ value: f.apiName, label: labelOf(f.label, lng, f.apiName) }));
  const waiting = draftOnlyNames([...edited.columns, ...sortKeys(edited.sort).map((k) => k.field)], fields);
  const problem = (pointer: string, exact = false) => errorsAt(save.error, pointer, exact);
  const status = (pointer: string, exact = false) => (problem(pointer, exact) ? ('error' as const) : undefined);

  return (
    <div className="tessera-page">
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[
          { title: <Link to="/objects">{t('studio.objects.title')}</Link> },
          { title: <Link to={`/objects/${apiName}`}>{apiName}</Link> },
          { title: t('studio.views.title') },
          { title: viewName },
        ]}
      />
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {labelOf(draft.label, lng, viewName)}
        </Typography.Title>
        <Button
          type="primary"
          icon={<SaveOutlined />}
          loading={save.isPending}
          onClick={() => save.mutate(edited)}
          data-testid="save-view"
        >
          {t('common.save')}
        </Button>
      </Space>
      <ProblemAlert error={save.error} onReloaded={() => save.reset()} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Form layout="vertical" component="div">
            <Card size="small" title={t('studio.views.settings')} style={{ marginBottom: 12 }}>
              <Form.Item
                label={t('studio.views.labelEn')}
                htmlFor="view-label-en"
                validateStatus={status('/label')}
                help={problem('/label')}
              >
                <Input
                  id="view-label-en"
                  value={labelOf(draft.label, 'en', '')}
                  onChange={(e) =>
                    setDraft({
                      ...draft,
                      label: { ...(typeof draft.label === 'object' ? draft.label : {}), en: e.target.value },
                    })
                  }
                />
              </Form.Item>
              <Form.Item label={t('studio.views.labelZh')} htmlFor="view-label-zh" validateStatus={status('/label')}>
                <Input
                  id="view-label-zh"
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
                label={t('studio.views.visibility')}
                validateStatus={status('/visibility')}
                help={problem('/visibility')}
              >
                <Radio.Group
                  aria-label={t('studio.views.visibility')}
                  value={draft.visibility ?? 'shared'}
                  onChange={(e) => setDraft({ ...draft, visibility: e.target.value as 'shared' | 'private' })}
                  options={[
                    { value: 'shared', label: t('studio.views.shared') },
                    { value: 'private', label: t('studio.views.private') },
                  ]}
                />
              </Form.Item>
              <Form.Item
                label={t('studio.views.defaultFor')}
                tooltip={t('studio.views.defaultForHelp')}
                validateStatus={status('/defaultFor')}
                help={problem('/defaultFor')}
              >
                <Select
                  mode="multiple"
                  aria-label={t('studio.views.defaultFor')}
                  loading={roles.isPending}
                  value={draft.defaultFor ?? []}
                  onChange={(defaultFor: string[]) => setDraft({ ...draft, defaultFor })}
                  options={(roles.data ?? []).map((r) => ({
                    value: r.apiName,
                    label: labelOf(r.label, lng, r.apiName),
                  }))}
                />
              </Form.Item>
            </Card>
            <Card size="small" title={t('studio.views.columns')} style={{ marginBottom: 12 }}>
              {problem('/columns') && (
                <Alert type="error" showIcon title={problem('/columns')} style={{ marginBottom: 8 }} />
              )}
              <ColumnsEditor
                columns={draft.columns}
                onChange={(columns) => setDraft({ ...draft, columns })}
                available={available}
                titleOf={titleOf}
              />
            </Card>
            <Card size="small" title={t('studio.views.filter')} style={{ marginBottom: 12 }} data-testid="view-filter">
              {problem('/filter') && (
                <Alert type="error" showIcon title={problem('/filter')} style={{ marginBottom: 8 }} />
              )}
              {rawFilter ? (
                <Alert
                  type="warning"
                  showIcon
                  title={t('studio.views.rawFilter')}
                  description={<code>{JSON.stringify(rawFilter)}</code>}
                  action={<Button onClick={() => setRawFilter(undefined)}>{t('studio.views.clearFilter')}</Button>}
                />
              ) : published ? (
                <FilterBuilder object={apiName} value={tree} onChange={setTree} />
              ) : (
                <Typography.Text type="secondary">{t('studio.views.notPublished')}</Typography.Text>
              )}
            </Card>
            <Card size="small" title={t('studio.views.sort')}>
              {problem('/sort') && <Alert type="error" showIcon title={problem('/sort')} style={{ marginBottom: 8 }} />}
              <SortEditor sort={draft.sort} onChange={(sort) => setDraft({ ...draft, sort })} fields={sortable} />
            </Card>
            <KanbanEditor
              view={draft}
              fields={fields}
              published={published}
              filter={edited.filter}
              onChange={(kanban) => setDraft(withKanban(draft, kanban))}
              problem={(p) => problem(p)}
            />
          </Form>
        </Col>
        <Col xs={24} xl={14}>
          <Card size="small" title={t('studio.views.preview')}>
            <ViewPreview
              object={apiName}
              columns={edited.columns}
              filter={edited.filter}
              sort={previewSort(edited.sort, waiting)}
              waiting={waiting.map(titleOf)}
              onSort={(sort) => setDraft({ ...draft, sort })}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
