import { useQuery } from '@tanstack/react-query';
import { aggregate } from '@tessera/runtime-ui/api/records.api';
import { uiOf } from '@tessera/runtime-ui/fields/field-ui';
import { PicklistTag } from '@tessera/runtime-ui/fields/PicklistTag';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { boardPicklists } from '@tessera/runtime-ui/kanban/kanban-columns';
import { useMeta } from '@tessera/runtime-ui/metadata/use-metadata';
import { Alert, Button, Card, Form, Select, Space, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { measurable } from '../dashboards/dashboard-draft';
import type { DraftListView } from './view-draft';

/**
 * The view as a board: the single-choice picklist whose values make the columns and the number
 * field each column sums, with each column's count and total over live data (the aggregate API,
 * with the view's filter) as the runtime UI's board will show them.
 */
export function KanbanEditor({
  view,
  filter,
  onChange,
  problem,
}: {
  view: DraftListView;
  filter: unknown;
  onChange: (kanban: DraftListView['kanban']) => void;
  problem: (pointer: string) => string | undefined;
}) {
  const { t, i18n } = useTranslation();
  const meta = useMeta();
  const lng = i18n.language;
  const obj = meta.object(view.object);
  const picklists = boardPicklists(obj);
  const numbers = (obj?.fields ?? []).filter((f) => measurable(uiOf(f).filterInput));
  const kanban = view.kanban;
  const by = kanban ? meta.field(view.object, kanban.groupBy) : undefined;
  const metrics = kanban?.summary ? `count,sum:${kanban.summary}` : 'count';
  const totals = useQuery({
    queryKey: ['records', view.object, 'studio-board', kanban?.groupBy, metrics, filter],
    queryFn: () => aggregate(view.object, { groupBy: kanban!.groupBy, metrics, filter }),
    enabled: !!by,
  });
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
            {totals.error ? (
              <Alert type="error" showIcon title={totals.error.message} />
            ) : (
              <Space wrap data-testid="board-preview">
                {(by?.values ?? []).map((v) => {
                  const row = totals.data?.data.find((r) => r[kanban.groupBy] === v.value);
                  const count = Number(row?.count ?? 0);
                  const sum = kanban.summary ? Number(row?.[`sum:${kanban.summary}`] ?? 0) : undefined;
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
            <Button
              type="link"
              href={`/o/${view.object}/kanban?view=${view.apiName}`}
              style={{ paddingInline: 0 }}
              target="_blank"
            >
              {t('studio.views.openBoard')}
            </Button>
          </>
        )}
      </Form>
    </Card>
  );
}
