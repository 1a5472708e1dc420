import { useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '@tessera/runtime-ui/api/api-error';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Alert, Modal, Progress, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ProblemAlert } from '../app/ProblemAlert';
import { PlanPreview } from '../publish/PlanPreview';
import { previewOfRefusal, type PublishPreview } from '../publish/publish-plan';
import { ConflictChoices } from './ConflictChoices';
import {
  canApply,
  isDraftPending,
  openConflicts,
  percentOf,
  previewOfStep,
  resolutionsFor,
  type Phase,
  type RowAction,
} from './pack-plan';
import { PackItems } from './PackItems';
import { runStep, type PackEntry, type PackResult, type Resolution } from './packs.api';

/**
 * One step of a pack — install, upgrade, uninstall, reinstall. The engine's dry run comes first
 * and its plan is shown: each item's action, the metadata changes and schema steps (lossy ones
 * with their rows and a confirmation), and for an upgrade the conflicts, each needing a choice.
 * Only then is the step applied, as one request (one publish). The progress bar moves as the
 * requests finish, never on a timer; a refusal is shown as the engine words it.
 */
export function PackStepDialog({ pack, action, onClose }: { pack: PackEntry; action: RowAction; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [phase, setPhase] = useState<Phase>('checking');
  const [refused, setRefused] = useState(false);
  const [plan, setPlan] = useState<PackResult>();
  const [preview, setPreview] = useState<PublishPreview>();
  const [choices, setChoices] = useState<Record<string, Resolution>>({});
  const [confirmed, setConfirmed] = useState(false);
  const [outcome, setOutcome] = useState<PackResult>();
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    let live = true;
    runStep(pack.name, action.step, { dryRun: true })
      .then((result) => {
        if (!live) return;
        setPlan(result);
        setPreview(previewOfStep(result));
        setPhase('planning');
      })
      .catch((e: unknown) => {
        if (!live) return;
        setPreview(previewOfRefusal(e as ApiError));
        setError(e);
        setRefused(true);
      });
    return () => {
      live = false;
    };
  }, [pack.name, action.step]);

  const conflicts = plan?.conflicts ?? [];
  const apply = async () => {
    setPhase('applying');
    setError(undefined);
    try {
      const result = await runStep(pack.name, action.step, {
        confirmLossy: preview?.state === 'confirm' && confirmed,
        resolutions: resolutionsFor(conflicts, choices),
      });
      setOutcome(result);
      setPhase('done');
      // The pack's objects, fields and layouts are new metadata everywhere in the studio.
      await queryClient.invalidateQueries();
    } catch (e) {
      setError(e);
      setRefused(true);
    }
  };

  const name = labelOf(pack.label, i18n.language, pack.name);
  const versions = { pack: name, from: pack.installed?.version ?? '', to: pack.available ?? '' };
  const ready = phase === 'planning' && !refused && canApply(preview, conflicts, choices, confirmed);
  const open = openConflicts(conflicts, choices).length;
  const finished = phase === 'done' || refused;
  return (
    <Modal
      open
      width={760}
      title={t(`studio.packs.title_${action.kind}`, versions)}
      okText={finished ? t('studio.packs.close') : t(`studio.packs.confirm.${action.kind}`)}
      okButtonProps={{
        danger: action.kind === 'uninstall' && !finished,
        disabled: !finished && !ready,
        'data-testid': 'confirm-pack-step',
      }}
      cancelButtonProps={finished ? { style: { display: 'none' } } : undefined}
      cancelText={t('common.cancel')}
      confirmLoading={phase === 'applying' && !refused}
      onOk={() => (finished ? onClose() : void apply())}
      onCancel={onClose}
      maskClosable={false}
    >
      <Progress
        data-testid="pack-progress"
        data-phase={refused ? 'refused' : phase}
        aria-label={t('studio.packs.progressLabel')}
        percent={percentOf(phase)}
        status={refused ? 'exception' : phase === 'done' ? 'success' : 'active'}
      />
      <Typography.Paragraph data-testid="pack-phase" aria-live="polite">
        {t(`studio.packs.phase.${refused ? 'refused' : phase}`)}
      </Typography.Paragraph>
      <ProblemAlert error={error} />
      {isDraftPending(error) && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('studio.packs.draftPending')}
          action={
            <Link to="/changes" onClick={onClose} data-testid="pack-to-changes">
              {t('studio.packs.toChanges')}
            </Link>
          }
        />
      )}
      {outcome && (
        <Alert
          type="success"
          showIcon
          role="status"
          data-testid="pack-outcome"
          style={{ marginBottom: 16 }}
          title={
            outcome.changed
              ? t('studio.packs.done', { step: t(`studio.packs.step.${action.kind}`), release: outcome.release })
              : t('studio.packs.unchanged', { pack: name, version: outcome.to ?? '' })
          }
        />
      )}
      {!outcome && plan && (
        <>
          {action.step === 'uninstall' && (
            <Typography.Paragraph type="secondary">{t('studio.packs.uninstallNote')}</Typography.Paragraph>
          )}
          <PackItems items={plan.items} />
          <ConflictChoices
            conflicts={conflicts}
            choices={choices}
            onChoose={(key, choice) => setChoices((now) => ({ ...now, [key]: choice }))}
          />
          {open > 0 && (
            <Alert
              type="warning"
              showIcon
              data-testid="open-conflicts"
              style={{ marginBottom: 16 }}
              title={t('studio.packs.open', { count: open })}
            />
          )}
        </>
      )}
      {!outcome && preview && (
        <PlanPreview
          preview={preview}
          confirmed={confirmed}
          onConfirmed={setConfirmed}
          nothing={t('studio.packs.nothing')}
        />
      )}
    </Modal>
  );
}
