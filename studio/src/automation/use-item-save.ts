import { useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '@tessera/runtime-ui/api/api-error';
import { App } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { createItem, saveItem, type AutomationPath, type Tagged } from './automation.api';
import type { PointedProblem } from './schema-branch';

/**
 * Saving a workflow or approval process to the draft: created, or replaced with the ETag of its
 * latest read (after a 412 and a reload, the fresh one); the cached item, the changes and the list
 * refreshed; a new one opened at its own address. A refusal answers the engine's problems by
 * pointer, for the page to put on its fields.
 */
export function useItemSave<T extends { apiName: string }>(
  path: AutomationPath,
  route: string,
  initial: T | undefined,
  tagged: Tagged<T> | undefined,
) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>();

  const save = async (def: T): Promise<PointedProblem[]> => {
    setSaving(true);
    setError(undefined);
    try {
      const etag = queryClient.getQueryData<Tagged<T>>(['draft', path, initial?.apiName])?.etag;
      const saved = initial
        ? await saveItem(path, initial.apiName, def, etag ?? tagged?.etag ?? '')
        : await createItem(path, def);
      queryClient.setQueryData(['draft', path, saved.item.apiName], saved);
      void queryClient.invalidateQueries({ queryKey: ['draft', 'changes'] });
      void queryClient.invalidateQueries({ queryKey: ['draft', path], exact: true });
      void message.success(t('studio.automation.saved'));
      if (!initial) void navigate(`${route}/${saved.item.apiName}`, { replace: true });
      return [];
    } catch (e) {
      setError(e);
      return ((e as Partial<ApiError>).errors ?? []).map((p) => ({ field: p.field, message: p.message }));
    } finally {
      setSaving(false);
    }
  };
  return { save, saving, error, setError };
}
