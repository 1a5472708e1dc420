import { RedoOutlined, UndoOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '@tessera/runtime-ui/api/api-error';
import { App, Button, Space, Tooltip } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { draftHistory, replayDraft } from '../api/studio.api';
import { shortcutOf, stepText } from './step-text';

/**
 * Undo and redo of unpublished edits. The history is the engine's (the draft's journal), so it
 * survives a reload and is the same for every admin; each studio edit invalidates ['draft'],
 * which refreshes what the buttons offer. After a replay every screen reloads its data.
 */
export function UndoRedo() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const history = useQuery({ queryKey: ['draft', 'history'], queryFn: draftHistory });
  const [busy, setBusy] = useState(false);
  const { undo, redo } = history.data ?? { undo: null, redo: null };

  const replay = useCallback(
    async (direction: 'undo' | 'redo') => {
      if (busy || !(direction === 'undo' ? undo : redo)) return;
      setBusy(true);
      try {
        const { step } = await replayDraft(direction);
        await queryClient.invalidateQueries();
        void message.success(
          t(direction === 'undo' ? 'studio.changes.undone' : 'studio.changes.redone', {
            what: stepText(step, t),
          }),
        );
      } catch (e) {
        void message.error((e as ApiError).detail || (e as Error).message);
        await queryClient.invalidateQueries({ queryKey: ['draft'] });
      } finally {
        setBusy(false);
      }
    },
    [busy, undo, redo, queryClient, message, t],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const direction = shortcutOf(event);
      if (!direction) return;
      event.preventDefault();
      void replay(direction);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [replay]);

  const undoTitle = undo
    ? t('studio.changes.undoWhat', { what: stepText(undo, t) })
    : t('studio.changes.nothingToUndo');
  const redoTitle = redo
    ? t('studio.changes.redoWhat', { what: stepText(redo, t) })
    : t('studio.changes.nothingToRedo');
  return (
    <Space.Compact>
      <Tooltip title={undoTitle}>
        <Button
          type="text"
          icon={<UndoOutlined />}
          aria-label={undoTitle}
          data-testid="undo"
          disabled={!undo}
          loading={busy}
          onClick={() => void replay('undo')}
        />
      </Tooltip>
      <Tooltip title={redoTitle}>
        <Button
          type="text"
          icon={<RedoOutlined />}
          aria-label={redoTitle}
          data-testid="redo"
          disabled={!redo}
          onClick={() => void replay('redo')}
        />
      </Tooltip>
    </Space.Compact>
  );
}
