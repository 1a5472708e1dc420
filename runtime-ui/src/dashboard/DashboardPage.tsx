import { Col, Row, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { useCorporateCurrency } from '../fields/use-corporate-currency';
import { labelOf } from '../i18n/label';
import { DATE_LITERALS } from '../list/FilterValueInput';
import { useMeta } from '../metadata/use-metadata';
import { NotFound } from '../shell/NotFound';
import { DashboardWidget } from './DashboardWidget';

/** A dashboard from metadata, with its period filter applied to every widget that has a date field. */
export default function DashboardPage() {
  const { apiName } = useParams();
  const { t, i18n } = useTranslation();
  const meta = useMeta();
  const dashboard = meta.dashboards.find((d) => d.apiName === apiName);
  const [period, setPeriod] = useState(dashboard?.dateFilter?.default ?? 'all');
  const corporate = useCorporateCurrency();
  if (!dashboard) return <NotFound />;
  const periods = ['all', ...DATE_LITERALS, ...(DATE_LITERALS.includes(period) || period === 'all' ? [] : [period])];
  const filterLabel = labelOf(dashboard.dateFilter?.label, i18n.language, t('dashboard.period'));
  return (
    <div className="tessera-page">
      <Space wrap style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }}>
        <div>
          <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
            {labelOf(dashboard.label, i18n.language)}
          </Typography.Title>
          {dashboard.description && (
            <Typography.Text type="secondary">{labelOf(dashboard.description, i18n.language)}</Typography.Text>
          )}
        </div>
        <Space>
          <Typography.Text>{filterLabel}</Typography.Text>
          <Select
            aria-label={filterLabel}
            value={period}
            onChange={setPeriod}
            style={{ minWidth: 160 }}
            data-testid="dashboard-period"
            options={periods.map((p) => ({
              value: p,
              label: t(`dateLiteral.${p.replace(':', '_')}`, { defaultValue: p }),
            }))}
          />
        </Space>
      </Space>
      <Row gutter={[12, 12]}>
        {dashboard.widgets.map((w) => (
          <Col key={w.id} xs={24} md={w.type === 'metric' ? 8 : (w.span ?? 1) === 2 ? 24 : 12}>
            <DashboardWidget widget={w} period={period} corporate={corporate} />
          </Col>
        ))}
      </Row>
    </div>
  );
}
