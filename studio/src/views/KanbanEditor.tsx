import { useQuery } from '@tanstack/react-query';
import { aggregate } from '@tessera/runtime-ui/api/records.api';
import { uiOf } from '@tessera/runtime-ui/fields/field-ui';
import { PicklistTag } from '@tessera/runtime-ui/fields/PicklistTag';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { boardPicklists } from '@tessera/runtime-ui/kanban/kanban-columns';
import { Alert, Button, Card, Form, Select, Space, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { measurable } from '../dashboards/dashboard-draft';
import { draftOnlyNames, type EditorField } from './editor-fields';
import type { DraftListView } from './view-draft';

/**
 * The view as a board: the single-choice picklist whose values make the columns and the number
 * field each column sums, offered from the draft's fields, with each column's count and total over
 * live data (the aggregate API, with the view's filter) as the runtime UI's board will show them.
 * A picklist or sum field only in the draft has no data yet: the preview says it shows after
 * publishing and counts what it can.
 */
export function KanbanEditor({
  view,
  fields,
  published,
  filter,
  onChange,
  problem,
}: {
  view: DraftListView;
  /** The draft object's fields (editor-fields.ts). */
  fields: EditorField[];
  /** The object has records to count. */
  published: boolean;
  filter: unknown;
  onChange: (kanban: DraftListView['kanban']) => void;
  problem: (pointer: string) => string | undefined;
}) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const picklists = boardPicklists({
    id: view.object,
    apiName: view.object,
    label: '',
    pluralLabel: '',
    nameField: '',
    fields,
  });
  const numbers = fields.filter((f) => measurable(uiOf(f).filterInput));
  const kanban = view.kanban;
  const by = kanban ? fields.find((f) => f.apiName === kanban.groupBy) : undefined;
  const waiting = draftOnlyNames([kanban?.groupBy, kanban?.summary], fields);
  const summary = kanban?.summary !== undefined && !waiting.includes(kanban.summary) ? kanban.summary : undefined;
  const sums = summary !== undefined;
  const metrics = summary ? `count,sum:${summary}` : 'count';
  const totals = useQuery({
    queryKey: ['records', view.object, 'studio-board', kanban?.groupBy, metrics, filter],
    queryFn: () => aggregate(view.object, { groupBy: kanban!.groupBy, metrics, filter }),
    enabled: published && !!by && !by.draftOnly,
  });
  const titleOf = (name: string) => {
    const f = fields.find((x) => x.apiName === name);
    return labelOf(f?.label, lng, name);
  };
  const item = (p: string) => ({ validateStatus: problem(p) ? ('error' as const) : undefined, help: problem(p) });
  return (
    <Card size="small" title={t('studio.views.board')} style={{ marginTop: 12 }} data-testid="kanban-editor">
      <Form layout="vertical" component="div">
        <Form.Item label={t('studio.views.asBoard')} {...item('/kanban')}>
          <Switch
            aria-label={t('studio.views.asBoard')}
            checked={!!kanban}
            disabled={picklists.length === 0}
            onChange={(on) => onChange(on ? { groupBy: picklists[0]!.apiName } : undefined)}
          />
        </Form.Item>
        {picklists.length === 0 && <Typography.Text type="secondary">{t('studio.views.noPicklist')}</Typography.Text>}
        {kanban && (
          <>
            <Form.Item label={t('studio.views.boardColumns')} {...item('/kanban/groupBy')}>
              <Select
                aria-label={t('studio.views.boardColumns')}
                value={kanban.groupBy}
                onChange={(groupBy: string) => onChange({ ...kanban, groupBy })}
                options={picklists.map((f) => ({ value: f.apiName, label: labelOf(f.label, lng, f.apiName) }))}
              />
            </Form.Item>
            <Form.Item label={t('studio.views.boardSummary')} {...item('/kanban/summary')}>
              <Select
                aria-label={t('studio.views.boardSummary')}
                allowClear
                value={kanban.summary}
                onChange={(summary?: string) =>
                  onChange(summary ? { ...kanban, summary } : { groupBy: kanban.groupBy })
                }
                options={numbers.map((f) => ({ value: f.apiName, label: labelOf(f.label, lng, f.apiName) }))}
              />
            </Form.Item>
            {waiting.length > 0 && (
              <Alert
                type="info"
                showIcon
                style={{ marginBottom: 8 }}
                title={t('studio.drafts.afterPublish', { fields: waiting.map(titleOf).join(', ') })}
                data-testid="board-waiting"
              />
            )}
            {totals.error ? (
              <Alert type="error" showIcon title={totals.error.message} />
            ) : (
              <Space wrap data-testid="board-preview">
                {(by?.values ?? []).map((v) => {
                  const row = totals.data?.data.find((r) => r[kanban.groupBy] === v.value);
                  const count = Number(row?.count ?? 0);
                  const sum = sums ? Number(row?.[`sum:${summary}`] ?? 0) : undefined;
                  return (
                    <Card key={v.value} size="small" data-testid="board-column" style={{ minWidth: 140 }}>
                      <PicklistTag color={v.color}>{labelOf(v.label, lng, v.value)}</PicklistTag>
                      <div>
                        {count.toLocaleString(lng)}
                        {sum !== undefined && ` · ${sum.toLocaleString(lng)}`}
                      </div>
                    </Card>
                  );
                })}
              </Space>
            )}
            {published && (
              <Button
                type="link"
                href={`/o/${view.object}/kanban?view=${view.apiName}`}
                style={{ paddingInline: 0 }}
                target="_blank"
              >
                {t('studio.views.openBoard')}
              </Button>
            )}
          </>
        )}
      </Form>
    </Card>
  );
}
