import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

/** Workflows and approval processes: the two lists of the Automation area. */
export function AutomationTabs({ active }: { active: 'workflows' | 'approvals' }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Tabs
      activeKey={active}
      onChange={(key) => void navigate(`/automation/${key}`)}
      items={[
        { key: 'workflows', label: t('studio.automation.workflows') },
        { key: 'approvals', label: t('studio.automation.approvals') },
      ]}
    />
  );
}
