import { DownOutlined, PlayCircleOutlined } from '@ant-design/icons';
import { App, Button, Dropdown } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ManualWorkflowMeta } from '../api/metadata.api';
import { labelOf } from '../i18n/label';

/** Buttons side by side up to this many workflows; more go into one "Run" drop-down. */
const MAX_BUTTONS = 2;

interface Props {
  workflows: ManualWorkflowMeta[];
  /** One drop-down whatever the number (a phone's header has no room for more). */
  collapsed?: boolean;
  /** The text of a workflow's own button, from its localised label. */
  buttonText?: (label: string) => string;
  /** What the confirmation says the workflow will run on. */
  confirmContent: ReactNode;
  /** Starts it, once confirmed; the dialog stays open (its OK button spinning) until this settles. */
  onRun: (workflow: ManualWorkflowMeta, label: string) => Promise<void>;
  disabled?: boolean;
}

/**
 * The manual workflows of an object as buttons (a record page's header, the bulk bar of a list),
 * or as one "Run" drop-down when there are many or little room. Each asks before it starts, naming
 * the workflow.
 */
export function ManualWorkflowButtons({ workflows, collapsed, buttonText, confirmContent, onRun, disabled }: Props) {
  const { t, i18n } = useTranslation();
  const { modal } = App.useApp();
  if (!workflows.length) return null;
  const label = (w: ManualWorkflowMeta) => labelOf(w.label, i18n.language, w.apiName);
  const confirm = (w: ManualWorkflowMeta) => {
    modal.confirm({
      title: t('manual.confirmTitle', { workflow: label(w) }),
      content: confirmContent,
      icon: <PlayCircleOutlined />,
      okText: t('manual.run'),
      cancelText: t('common.cancel'),
      onOk: () => onRun(w, label(w)),
    });
  };

  if (collapsed || workflows.length > MAX_BUTTONS)
    return (
      <Dropdown
        disabled={disabled}
        trigger={['click']}
        menu={{
          items: workflows.map((w) => ({ key: w.apiName, label: label(w) })),
          onClick: ({ key }) => confirm(workflows.find((w) => w.apiName === key)!),
        }}
      >
        <Button icon={<PlayCircleOutlined />} data-testid="run-workflows">
          {t('manual.run')} <DownOutlined />
        </Button>
      </Dropdown>
    );
  return (
    <>
      {workflows.map((w) => (
        <Button
          key={w.apiName}
          icon={<PlayCircleOutlined />}
          disabled={disabled}
          onClick={() => confirm(w)}
          data-testid={`run-workflow-${w.apiName}`}
        >
          {buttonText ? buttonText(label(w)) : label(w)}
        </Button>
      ))}
    </>
  );
}
