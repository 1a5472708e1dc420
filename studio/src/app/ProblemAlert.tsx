import { ReloadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '@tessera/runtime-ui/api/api-error';
import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * The engine's refusal as it said it: the summary and each field with its rule's message. A 412
 * (someone else changed the item since it was read) says so in plain words and offers to read the
 * draft again; what the person typed stays in the form, to save again over the fresh copy.
 */
export function ProblemAlert({ error, onReloaded }: { error: unknown; onReloaded?: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  if (!error) return null;
  const problem = error as Partial<ApiError> & Error;
  if (problem.status === 412)
    return (
      <Alert
        type="warning"
        showIcon
        role="alert"
        data-testid="stale-alert"
        style={{ marginBottom: 16 }}
        title={t('studio.stale.title')}
        description={t('studio.stale.detail')}
        action={
          <Button
            icon={<ReloadOutlined />}
            onClick={() => void queryClient.invalidateQueries({ queryKey: ['draft'] }).then(() => onReloaded?.())}
          >
            {t('studio.stale.reload')}
          </Button>
        }
      />
    );
  const errors = problem.errors ?? [];
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      style={{ marginBottom: 16 }}
      title={problem.detail || problem.message}
      description={
        errors.length ? (
          <ul style={{ margin: 0, paddingInlineStart: 20 }}>
            {errors.map((e, i) => (
              <li key={i}>
                <code>{e.field}</code> {e.message}
              </li>
            ))}
          </ul>
        ) : undefined
      }
    />
  );
}
