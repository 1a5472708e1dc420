import type { ApiError } from '@tessera/runtime-ui/api/api-error';
import { Alert } from 'antd';

/** The engine's refusal as it said it: the summary and each field with its rule's message. */
export function ProblemAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const problem = error as Partial<ApiError> & Error;
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
