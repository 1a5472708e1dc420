import { useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '@tessera/runtime-ui/api/api-error';
import { useCallback, useRef, useState } from 'react';
import type { PublishCall, PublishResult } from '../api/studio.api';
import { previewOf, previewOfRefusal, type PublishPreview } from './publish-plan';

/**
 * The plan a dialog shows and the publish (or rollback) of that very plan. The dry run's tag goes
 * back as If-Match; when the engine answers 412 — another admin edited the draft or published
 * since — nothing was applied, the plan is drawn again and `stale` says why it changed: the admin
 * reads it and confirms anew, lossy steps included. The screens behind the dialog are read again
 * too, so they show the other admin's change.
 */
export function usePlannedPublish(call: (options: PublishCall) => Promise<PublishResult>) {
  const queryClient = useQueryClient();
  const [preview, setPreview] = useState<PublishPreview>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [confirmed, setConfirmed] = useState(false);
  const [stale, setStale] = useState(false);
  const planTag = useRef<string | undefined>(undefined);

  const draw = useCallback(async () => {
    setBusy(true);
    setPreview(undefined);
    setError(undefined);
    setConfirmed(false);
    planTag.current = undefined;
    try {
      const result = await call({ dryRun: true });
      planTag.current = result.planTag;
      setPreview(previewOf(result));
    } catch (e) {
      setPreview(previewOfRefusal(e as ApiError));
      setError(e);
    } finally {
      setBusy(false);
    }
  }, [call]);

  /** A fresh start, as when the dialog opens. */
  const open = useCallback(async () => {
    setStale(false);
    await draw();
  }, [draw]);

  /** Applies the plan shown; the result, or undefined when refused (the error or a re-drawn plan shows). */
  const apply = async (): Promise<PublishResult | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await call({ confirmLossy: preview?.state === 'confirm' && confirmed, planTag: planTag.current });
    } catch (e) {
      if ((e as ApiError).status !== 412) {
        setError(e);
        return undefined;
      }
      setStale(true);
      void queryClient.invalidateQueries();
      await draw();
      return undefined;
    } finally {
      setBusy(false);
    }
  };

  const ready = preview !== undefined && (preview.state === 'ready' || (preview.state === 'confirm' && confirmed));
  return { preview, error, busy, confirmed, setConfirmed, stale, open, apply, ready };
}
